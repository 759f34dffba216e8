package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/google/uuid"
	"github.com/sqlc-dev/pqtype"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// TestStoreConfig configures a TestStore.
type TestStoreConfig struct {
	// Topics names the destination topics (test_submissions, test_results_ready by default).
	Topics messages.TestTopics
	// Outbox says how the events are written (see TaskStoreConfig.Outbox).
	Outbox outbox.Config
}

func (c *TestStoreConfig) setDefaults() {
	if c.Topics.Submissions == "" {
		c.Topics.Submissions = "test_submissions"
	}
	if c.Topics.ResultsReady == "" {
		c.Topics.ResultsReady = "test_results_ready"
	}
}

// TestStore is the testresult.Repository, testresult.ScoreLog and query.TestReader on PostgreSQL
// (tables tests, test_submissions and test_scores). A submission and its submitted event commit
// together; so do a scored submission and its scored event. Scores are keyed by their
// submission. It is safe for concurrent use.
type TestStore struct {
	db     *sql.DB
	q      *db.Queries
	cfg    TestStoreConfig
	outbox eventWriter
	tests  testCache
}

// testCache keeps tests read before: a test never changes once stored, so every submission and
// every scoring of a test need not read and decode its questions again. It holds at most
// testCacheSize tests and starts over when full. It is safe for concurrent use.
type testCache struct {
	mu    sync.RWMutex
	tests map[uuid.UUID]*testresult.Test
}

const testCacheSize = 10000

func (c *testCache) get(id uuid.UUID) (*testresult.Test, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.tests[id]
	return t, ok
}

func (c *testCache) put(id uuid.UUID, t *testresult.Test) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tests == nil || len(c.tests) >= testCacheSize {
		c.tests = make(map[uuid.UUID]*testresult.Test)
	}
	c.tests[id] = t
}

var (
	_ testresult.Repository = (*TestStore)(nil)
	_ testresult.ScoreLog   = (*TestStore)(nil)
	_ query.TestReader      = (*TestStore)(nil)
)

// NewTestStore returns a store on conn, a pool opened with Open.
func NewTestStore(conn *sql.DB, cfg TestStoreConfig) (*TestStore, error) {
	if conn == nil {
		return nil, errors.New("postgres: nil *sql.DB for TestStore")
	}
	cfg.setDefaults()
	if err := errors.Join(pgpubsub.ValidateTopic("test submissions topic", cfg.Topics.Submissions),
		pgpubsub.ValidateTopic("test results topic", cfg.Topics.ResultsReady), cfg.Outbox.Validate()); err != nil {
		return nil, fmt.Errorf("postgres: test store: %w", err)
	}
	w, err := newEventWriter(cfg.Outbox)
	if err != nil {
		return nil, err
	}
	return &TestStore{db: conn, q: db.New(conn), cfg: cfg, outbox: w}, nil
}

// AddTest stores t unless its id exists.
func (s *TestStore) AddTest(ctx context.Context, t *testresult.Test) (bool, error) {
	id, ok := parseID(t.ID)
	if !ok {
		return false, shared.Invalid("id", "must be a UUID")
	}
	questions, err := json.Marshal(t.Questions)
	if err != nil {
		return false, fmt.Errorf("postgres: encode questions: %w", err)
	}
	t.CreatedAt = toDBTime(t.CreatedAt)
	n, err := s.q.InsertTest(ctx, db.InsertTestParams{
		ID: id, OwnerID: string(t.OwnerID), Title: t.Title, Questions: questions, CreatedAt: t.CreatedAt,
	})
	if err != nil {
		return false, dbError("insert test", err)
	}
	return n == 1, nil
}

// GetTest returns the test with its answer key.
func (s *TestStore) GetTest(ctx context.Context, id string) (*testresult.Test, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("test")
	}
	return s.getTest(ctx, s.q, uid)
}

// getTest reads the test through the cache; callers get a copy they may change.
func (s *TestStore) getTest(ctx context.Context, q *db.Queries, id uuid.UUID) (*testresult.Test, error) {
	if t, ok := s.tests.get(id); ok {
		return cloneTest(t), nil
	}
	row, err := q.GetTest(ctx, id)
	if err != nil {
		return nil, entityError("test", "get test", err)
	}
	t := &testresult.Test{ID: row.ID.String(), OwnerID: shared.UserID(row.OwnerID), Title: row.Title, CreatedAt: row.CreatedAt}
	if err := json.Unmarshal(row.Questions, &t.Questions); err != nil {
		return nil, fmt.Errorf("postgres: test %s: questions: %w", row.ID, err)
	}
	s.tests.put(id, cloneTest(t))
	return t, nil
}

// cloneTest copies t deeply enough that changing the copy's questions leaves t as it is.
func cloneTest(t *testresult.Test) *testresult.Test {
	c := *t
	c.Questions = make([]testresult.Question, len(t.Questions))
	for i, q := range t.Questions {
		q.Options = slices.Clone(q.Options)
		q.Correct = slices.Clone(q.Correct)
		c.Questions[i] = q
	}
	return &c
}

// AddSubmission stores the pending submission and its submitted event in one transaction.
func (s *TestStore) AddSubmission(ctx context.Context, sub *testresult.Submission, meta shared.EventMeta) (bool, error) {
	id, ok1 := parseID(sub.ID)
	testID, ok2 := parseID(sub.TestID)
	if !ok1 || !ok2 {
		return false, shared.Invalid("id", "must be a UUID")
	}
	answers, err := json.Marshal(sub.Answers)
	if err != nil {
		return false, fmt.Errorf("postgres: encode answers: %w", err)
	}
	sub.SubmittedAt = toDBTime(sub.SubmittedAt)
	msgs, err := messages.TestSubmitted(sub, meta, s.cfg.Topics)
	if err != nil {
		return false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, dbError("begin add submission", err)
	}
	defer func() { _ = tx.Rollback() }()
	n, err := s.q.WithTx(tx).InsertSubmission(ctx, db.InsertSubmissionParams{
		ID: id, TestID: testID, UserID: string(sub.UserID), Answers: answers, SubmittedAt: sub.SubmittedAt,
	})
	if err != nil || n == 0 {
		return false, wrapIf(err, "insert submission")
	}
	if err := s.outbox.write(ctx, tx, msgs); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, dbError("commit add submission", err)
	}
	return true, nil
}

// GetSubmission returns the user's submission.
func (s *TestStore) GetSubmission(ctx context.Context, user shared.UserID, id string) (*testresult.Submission, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("submission")
	}
	row, err := s.q.GetSubmission(ctx, db.GetSubmissionParams{UserID: string(user), ID: uid})
	if err != nil {
		return nil, entityError("submission", "get submission", err)
	}
	return toDomainSubmission(row)
}

// Score locks the submissions of targets (SELECT ... FOR UPDATE, in id order), lets decide
// score each, and stores the outcomes with their scored events, all in one transaction. A second
// delivery of an event waits for the lock and then finds its submission decided: the status is
// the guard, no inbox row is needed.
func (s *TestStore) Score(ctx context.Context, targets []testresult.ScoreTarget,
	decide func(*testresult.Test, *testresult.Submission) (bool, error),
) (int, []string, error) {
	ids := make([]uuid.UUID, 0, len(targets))
	meta := make(map[string]shared.EventMeta, len(targets))
	var missing []string
	for _, t := range targets {
		id, ok := parseID(t.SubmissionID)
		if !ok {
			missing = append(missing, t.SubmissionID)
			continue
		}
		ids = append(ids, id)
		meta[id.String()] = t.Meta
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, nil, dbError("begin score", err)
	}
	defer func() { _ = tx.Rollback() }()
	q := s.q.WithTx(tx)
	rows, err := q.GetSubmissionsForUpdate(ctx, ids)
	if err != nil {
		return 0, nil, dbError("lock submissions", err)
	}
	found := make(map[string]bool, len(rows))
	var msgs []envelope.Routed
	stored := 0
	for _, row := range rows {
		found[row.ID.String()] = true
		sub, err := toDomainSubmission(row)
		if err != nil {
			return 0, nil, err
		}
		t, err := s.getTest(ctx, q, row.TestID)
		if err != nil {
			return 0, nil, err
		}
		write, err := decide(t, sub)
		if err != nil {
			return 0, nil, err
		}
		if !write {
			continue
		}
		scored, err := s.decided(ctx, tx, t, sub, meta[sub.ID])
		if err != nil {
			return 0, nil, err
		}
		msgs = append(msgs, scored...)
		stored++
	}
	for _, id := range ids {
		if !found[id.String()] {
			missing = append(missing, id.String())
		}
	}
	if stored == 0 {
		return 0, missing, nil // nothing to write: the rollback ends the transaction
	}
	if err := s.outbox.write(ctx, tx, msgs); err != nil {
		return 0, nil, err
	}
	if err := tx.Commit(); err != nil {
		return 0, nil, dbError("commit score", err)
	}
	return stored, missing, nil
}

// decided stores the outcome of sub, a submission of t, in tx and returns its scored event (none
// for a failed submission) for the caller to write with the batch's others.
func (s *TestStore) decided(ctx context.Context, tx *sql.Tx, t *testresult.Test, sub *testresult.Submission, meta shared.EventMeta) ([]envelope.Routed, error) {
	sub.ScoredAt = toDBTime(sub.ScoredAt)
	params := db.DecideSubmissionParams{
		ID: uuid.MustParse(sub.ID), Status: string(sub.Status), Reason: sub.Reason,
		ScoredAt: sql.NullTime{Time: sub.ScoredAt, Valid: true},
	}
	if sub.Result != nil {
		result, err := json.Marshal(sub.Result)
		if err != nil {
			return nil, fmt.Errorf("postgres: encode result: %w", err)
		}
		params.Result = pqtype.NullRawMessage{RawMessage: result, Valid: true}
	}
	msgs, err := messages.TestScored(t, sub, meta, s.cfg.Topics)
	if err != nil {
		return nil, err
	}
	n, err := s.q.WithTx(tx).DecideSubmission(ctx, params)
	if err != nil {
		return nil, dbError("decide submission", err)
	}
	if n != 1 {
		return nil, fmt.Errorf("postgres: submission %s was not pending", sub.ID)
	}
	return msgs, nil
}

// Record counts a scored submission in its test's statistics once. The submission id is the
// key of test_scores, so the insert itself is idempotent: a redelivered event, or another event
// for the same submission, inserts nothing. It needs no inbox row, and is one statement.
func (s *TestStore) Record(ctx context.Context, e testresult.Scored) (bool, error) {
	sub, ok1 := parseID(e.SubmissionID)
	test, ok2 := parseID(e.TestID)
	if !ok1 || !ok2 {
		return false, shared.Invalid("event", "submission_id and test_id must be UUIDs")
	}
	n, err := s.q.InsertTestScore(ctx, db.InsertTestScoreParams{
		SubmissionID: sub, TestID: test, Percentage: e.Percentage, ScoredAt: e.ScoredAt,
	})
	if err != nil {
		return false, dbError("insert test score", err)
	}
	return n == 1, nil
}

// Scores returns the percentages the analytics group recorded for the test.
func (s *TestStore) Scores(ctx context.Context, testID string) ([]float64, error) {
	id, ok := parseID(testID)
	if !ok {
		return nil, shared.NotFound("test")
	}
	scores, err := s.q.TestScores(ctx, id)
	if err != nil {
		return nil, dbError("read test scores", err)
	}
	return scores, nil
}

// toDomainSubmission rebuilds a submission from its row.
func toDomainSubmission(row db.TestSubmission) (*testresult.Submission, error) {
	sub := &testresult.Submission{
		ID: row.ID.String(), TestID: row.TestID.String(), UserID: shared.UserID(row.UserID),
		Status: testresult.Status(row.Status), Reason: row.Reason, SubmittedAt: row.SubmittedAt,
	}
	if err := json.Unmarshal(row.Answers, &sub.Answers); err != nil {
		return nil, fmt.Errorf("postgres: submission %s: answers: %w", row.ID, err)
	}
	if row.Result.Valid {
		sub.Result = &testresult.Result{}
		if err := json.Unmarshal(row.Result.RawMessage, sub.Result); err != nil {
			return nil, fmt.Errorf("postgres: submission %s: result: %w", row.ID, err)
		}
	}
	if row.ScoredAt.Valid {
		sub.ScoredAt = row.ScoredAt.Time
	}
	return sub, nil
}
