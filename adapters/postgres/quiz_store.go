package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// QuizStoreConfig configures a QuizStore.
type QuizStoreConfig struct {
	// Topics names the destination topics (test_submissions, test_results_ready by default).
	Topics messages.QuizTopics
	// Outbox says how the events are written (see TaskStoreConfig.Outbox).
	Outbox outbox.Config
}

func (c *QuizStoreConfig) setDefaults() {
	if c.Topics.Submissions == "" {
		c.Topics.Submissions = "test_submissions"
	}
	if c.Topics.ResultsReady == "" {
		c.Topics.ResultsReady = "test_results_ready"
	}
}

// QuizStore is the testresult.QuizRepository, testresult.ScoreLog and query.QuizReader on
// PostgreSQL (tables tests, test_submissions and test_scores: the API calls a quiz a test). A
// submission and its submitted event commit together; so do a scored submission and its scored
// event. Scores are keyed by their submission. It is safe for concurrent use.
type QuizStore struct {
	db      *sql.DB
	q       *db.Queries
	cfg     QuizStoreConfig
	outbox  eventWriter
	quizzes quizCache
}

// quizCache keeps quizzes read before: a quiz never changes once stored (and has no method
// that changes it), so every submission and every scoring of a quiz need not read and decode its
// questions again, and every reader may share one *Quiz. It holds at most quizCacheSize quizzes
// and starts over when full. It is safe for concurrent use.
type quizCache struct {
	mu      sync.RWMutex
	quizzes map[uuid.UUID]*testresult.Quiz
}

const quizCacheSize = 10000

func (c *quizCache) get(id uuid.UUID) (*testresult.Quiz, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	q, ok := c.quizzes[id]
	return q, ok
}

func (c *quizCache) put(id uuid.UUID, q *testresult.Quiz) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.quizzes == nil || len(c.quizzes) >= quizCacheSize {
		c.quizzes = make(map[uuid.UUID]*testresult.Quiz)
	}
	c.quizzes[id] = q
}

var (
	_ testresult.QuizRepository = (*QuizStore)(nil)
	_ testresult.ScoreLog       = (*QuizStore)(nil)
	_ query.QuizReader          = (*QuizStore)(nil)
)

// NewQuizStore returns a store on conn, a pool opened with Open.
func NewQuizStore(conn *sql.DB, cfg QuizStoreConfig) (*QuizStore, error) {
	if conn == nil {
		return nil, errors.New("postgres: nil *sql.DB for QuizStore")
	}
	cfg.setDefaults()
	if err := errors.Join(pgpubsub.ValidateTopic("test submissions topic", cfg.Topics.Submissions),
		pgpubsub.ValidateTopic("test results topic", cfg.Topics.ResultsReady), cfg.Outbox.Validate()); err != nil {
		return nil, fmt.Errorf("postgres: quiz store: %w", err)
	}
	w, err := newEventWriter(cfg.Outbox)
	if err != nil {
		return nil, err
	}
	return &QuizStore{db: conn, q: db.New(conn), cfg: cfg, outbox: w}, nil
}

// AddQuiz stores q unless its id exists.
func (s *QuizStore) AddQuiz(ctx context.Context, q *testresult.Quiz) (bool, error) {
	row, err := toDBQuiz(q.Snapshot())
	if err != nil {
		return false, err
	}
	n, err := s.q.InsertQuiz(ctx, row)
	if err != nil {
		return false, dbError("insert quiz", err)
	}
	return n == 1, nil
}

// GetQuiz returns the quiz with its answer key.
func (s *QuizStore) GetQuiz(ctx context.Context, id string) (*testresult.Quiz, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("test")
	}
	return s.getQuiz(ctx, s.q, uid)
}

// getQuiz reads the quiz through the cache.
func (s *QuizStore) getQuiz(ctx context.Context, q *db.Queries, id uuid.UUID) (*testresult.Quiz, error) {
	if quiz, ok := s.quizzes.get(id); ok {
		return quiz, nil
	}
	row, err := q.GetQuiz(ctx, id)
	if err != nil {
		return nil, entityError("test", "get quiz", err)
	}
	quiz, err := toDomainQuiz(row)
	if err != nil {
		return nil, err
	}
	s.quizzes.put(id, quiz)
	return quiz, nil
}

// AddSubmission stores the pending submission and its submitted event in one transaction, as
// its user's next attempt at its quiz when admit admits it. The attempt is counted first: the
// count's row lock (test_attempts) makes one user's submissions to one quiz take turns until
// commit, so two at once cannot both take the last attempt. A refused attempt rolls the count
// back with everything else.
func (s *QuizStore) AddSubmission(ctx context.Context, sub *testresult.Submission, admit func(int) error, meta shared.EventMeta) (bool, error) {
	quizID, ok := parseID(sub.QuizID())
	if !ok {
		return false, shared.Invalid("test_id", "must be a UUID")
	}
	ctx, span := startTx(ctx, "INSERT test_submissions", "test_submissions")
	defer span.End()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, dbError("begin add submission", err)
	}
	defer func() { _ = tx.Rollback() }()
	q := s.q.WithTx(tx)
	n, err := q.CountAttempt(ctx, db.CountAttemptParams{TestID: quizID, UserID: string(sub.UserID())})
	if err != nil {
		return false, dbError("count attempt", err)
	}
	if err := admit(int(n)); err != nil {
		return s.refused(ctx, q, sub, err)
	}
	row, msgs, err := s.submissionWrites(sub, meta)
	if err != nil {
		return false, err
	}
	inserted, err := q.InsertSubmission(ctx, row)
	if err != nil || inserted == 0 {
		return false, wrapIf(err, "insert submission") // a retry: the rollback takes the count back
	}
	if err := s.outbox.write(ctx, tx, msgs); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, commitError("commit add submission", err)
	}
	return true, nil
}

// refused answers a submission admit refused: a retry of one stored before (its id exists) is
// no new attempt and reports false; anything else is refusal, the error.
func (s *QuizStore) refused(ctx context.Context, q *db.Queries, sub *testresult.Submission, refusal error) (bool, error) {
	id, ok := parseID(sub.ID())
	if !ok {
		return false, refusal
	}
	exists, err := q.SubmissionExists(ctx, id)
	if err != nil {
		return false, dbError("find submission", err)
	}
	if exists {
		return false, nil
	}
	return false, refusal
}

// submissionWrites are the row and the submitted event of the admitted submission, at the
// microsecond.
func (s *QuizStore) submissionWrites(sub *testresult.Submission, meta shared.EventMeta) (db.InsertSubmissionParams, []envelope.Routed, error) {
	sub, err := storedSubmission(sub)
	if err != nil {
		return db.InsertSubmissionParams{}, nil, err
	}
	row, err := toDBSubmission(sub.Snapshot())
	if err != nil {
		return db.InsertSubmissionParams{}, nil, err
	}
	msgs, err := messages.QuizSubmitted(sub, meta, s.cfg.Topics)
	return row, msgs, err
}

// GetSubmission returns the user's submission.
func (s *QuizStore) GetSubmission(ctx context.Context, user shared.UserID, id string) (*testresult.Submission, error) {
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

// Record counts a scored submission in its quiz's statistics once. The submission id is the
// key of test_scores, so the insert itself is idempotent: a redelivered event, or another event
// for the same submission, inserts nothing. It needs no inbox row, and is one statement.
func (s *QuizStore) Record(ctx context.Context, e testresult.Scored) (bool, error) {
	sub, ok1 := parseID(e.SubmissionID)
	quiz, ok2 := parseID(e.QuizID)
	if !ok1 || !ok2 {
		return false, shared.Invalid("event", "submission_id and test_id must be UUIDs")
	}
	n, err := s.q.InsertQuizScore(ctx, db.InsertQuizScoreParams{
		SubmissionID: sub, TestID: quiz, UserID: e.UserID, Percentage: e.Percentage, ScoredAt: e.ScoredAt,
		SubmittedAt: sql.NullTime{Time: e.SubmittedAt, Valid: !e.SubmittedAt.IsZero()},
	})
	if err != nil {
		return false, dbError("insert quiz score", err)
	}
	return n == 1, nil
}

// Scores returns the scores the analytics group recorded for the quiz.
func (s *QuizStore) Scores(ctx context.Context, quizID string) ([]testresult.RecordedScore, error) {
	id, ok := parseID(quizID)
	if !ok {
		return nil, shared.NotFound("test")
	}
	rows, err := s.q.QuizScores(ctx, id)
	if err != nil {
		return nil, dbError("read quiz scores", err)
	}
	scores := make([]testresult.RecordedScore, len(rows))
	for i, r := range rows {
		scores[i] = testresult.RecordedScore{SubmissionID: r.SubmissionID.String(), UserID: r.UserID,
			SubmittedAt: r.SubmittedAt, Percentage: r.Percentage}
	}
	return scores, nil
}
