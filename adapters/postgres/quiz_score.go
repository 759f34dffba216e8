package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// Score locks the submissions of targets (SELECT ... FOR UPDATE, in id order), lets decide
// decide each, and stores the outcomes with their scored events, all in one transaction. A
// second delivery of an event waits for the lock and then finds its submission decided: the
// status is the guard, no inbox row is needed. A target named twice is decided once, with the
// metadata of its first mention.
func (s *QuizStore) Score(ctx context.Context, targets []testresult.ScoreTarget,
	decide func(*testresult.Quiz, *testresult.Submission) (bool, error),
) (int, []string, error) {
	ids, meta, missing := scoreIDs(targets)
	ctx, span := startTx(ctx, "UPDATE test_submissions", "test_submissions")
	defer span.End()
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
	found := make(map[uuid.UUID]bool, len(rows))
	var msgs []envelope.Routed
	stored := 0
	for _, row := range rows {
		found[row.ID] = true
		scored, write, err := s.decideOne(ctx, q, row, meta[row.ID], decide)
		if err != nil {
			return 0, nil, err
		}
		if write {
			msgs = append(msgs, scored...)
			stored++
		}
	}
	for _, id := range ids {
		if !found[id] {
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
		return 0, nil, commitError("commit score", err)
	}
	return stored, missing, nil
}

// scoreIDs parses the targets' ids once each, in order, with the metadata of each id's first
// target; the ids that are no UUID name no stored submission.
func scoreIDs(targets []testresult.ScoreTarget) ([]uuid.UUID, map[uuid.UUID]shared.EventMeta, []string) {
	ids := make([]uuid.UUID, 0, len(targets))
	meta := make(map[uuid.UUID]shared.EventMeta, len(targets))
	var malformed []string
	for _, t := range targets {
		id, ok := parseID(t.SubmissionID)
		if !ok {
			malformed = append(malformed, t.SubmissionID)
			continue
		}
		if _, seen := meta[id]; !seen {
			ids = append(ids, id)
			meta[id] = t.Meta
		}
	}
	return ids, meta, malformed
}

// decideOne calls decide with the locked submission of row and its quiz. When decide reports a
// write, it stores the outcome in the transaction of q and returns the scored event (none for a
// failed submission) for the caller to write with the batch's others.
func (s *QuizStore) decideOne(ctx context.Context, q *db.Queries, row db.TestSubmission, meta shared.EventMeta,
	decide func(*testresult.Quiz, *testresult.Submission) (bool, error),
) ([]envelope.Routed, bool, error) {
	sub, err := toDomainSubmission(row)
	if err != nil {
		return nil, false, err
	}
	quiz, err := s.getQuiz(ctx, q, row.TestID)
	if err != nil {
		return nil, false, err
	}
	write, err := decide(quiz, sub)
	if err != nil || !write {
		return nil, false, err
	}
	if sub, err = storedSubmission(sub); err != nil {
		return nil, false, err
	}
	params, err := toDBDecision(sub.Snapshot())
	if err != nil {
		return nil, false, err
	}
	msgs, err := messages.QuizScored(quiz, sub, meta, s.cfg.Topics)
	if err != nil {
		return nil, false, err
	}
	n, err := q.DecideSubmission(ctx, params)
	if err != nil {
		return nil, false, dbError("decide submission", err)
	}
	if n != 1 {
		return nil, false, fmt.Errorf("postgres: submission %s was not pending", sub.ID())
	}
	return msgs, true, nil
}
