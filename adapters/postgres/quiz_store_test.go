package postgres_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

func TestQuizStore(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	// One database for the whole suite: every subtest uses its own quizzes and users.
	store, _ := newQuizStore(t)
	contract.QuizStore(t, func(*testing.T) contract.Quizzes { return store })
}

// The cases below are this adapter's own: the outbox rows it writes with each change, and rows
// altered behind its back.

var quizAt = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

func newQuizStore(t *testing.T) (*postgres.QuizStore, *sql.DB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	conn := pgtest.NewDB(t)
	store, err := postgres.NewQuizStore(conn, postgres.QuizStoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return store, conn
}

// addQuiz stores a two-question quiz (5 points, per-question feedback, so its scored events
// name the weakest categories) and a submission by "taker" that gets q1 right.
func addQuiz(t *testing.T, store *postgres.QuizStore) (*testresult.Quiz, *testresult.Submission) {
	t.Helper()
	opts := []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	quiz, err := testresult.NewQuiz(uuid.NewString(), "owner", "Quiz", []testresult.QuestionSpec{
		{ID: "q1", Text: "1?", Kind: "single", Category: "go", Points: 2, Options: opts, Correct: []string{"b"}},
		{ID: "q2", Text: "2?", Kind: "multiple", Category: "sql", Points: 3, Options: opts, Correct: []string{"a", "b"}},
	}, testresult.QuizSettings{Feedback: "per_question"}, quizAt)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := store.AddQuiz(ctx, quiz); err != nil || !ok {
		t.Fatalf("AddQuiz: %v %v", ok, err)
	}
	sub, err := testresult.NewSubmission(uuid.NewString(), quiz, "taker", map[string][]string{"q1": {"b"}, "q2": {"a"}}, quizAt)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := store.AddSubmission(ctx, sub, func(int) error { return nil }, shared.EventMeta{CorrelationID: "corr-1"}); err != nil || !ok {
		t.Fatalf("AddSubmission: %v %v", ok, err)
	}
	return quiz, sub
}

// outboxOf returns the envelopes in the outbox for topic.
func outboxOf(t *testing.T, conn *sql.DB, topic string) []forwarderEnvelope {
	t.Helper()
	var out []forwarderEnvelope
	for _, e := range outboxEnvelopes(t, conn) {
		if e.DestinationTopic == topic {
			out = append(out, e)
		}
	}
	return out
}

// grade is a decide that grades every pending submission at at.
func grade(at time.Time) func(*testresult.Quiz, *testresult.Submission) (bool, error) {
	return func(q *testresult.Quiz, s *testresult.Submission) (bool, error) {
		if !s.IsPending() {
			return false, nil
		}
		return true, s.Grade(q, at)
	}
}

func target(s *testresult.Submission) []testresult.ScoreTarget {
	return []testresult.ScoreTarget{{SubmissionID: s.ID(), Meta: shared.EventMeta{CorrelationID: "corr-2"}}}
}

// A submission and its submitted event commit together; a retried id writes neither again.
func TestSubmissionIsStoredWithItsEvent(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	_, sub := addQuiz(t, store)
	if ok, err := store.AddSubmission(context.Background(), sub, func(int) error { return nil }, shared.EventMeta{}); err != nil || ok {
		t.Fatalf("AddSubmission again: %v %v, want false", ok, err)
	}
	events := outboxOf(t, conn, "test_submissions")
	if len(events) != 1 {
		t.Fatalf("%d submitted events in the outbox, want 1", len(events))
	}
	var got testresult.Submitted
	if err := envelope.Decode(events[0].message(), testresult.EventSubmitted, testresult.EventSubmittedVersion, &got); err != nil {
		t.Fatal(err)
	}
	if got != sub.SubmittedEvent() || events[0].Metadata[envelope.KeyCorrelationID] != "corr-1" {
		t.Errorf("event %+v, metadata %v", got, events[0].Metadata)
	}
}

// Many scorings of one submission, at once and later, emit one scored event: the row lock and
// the status guard it.
func TestScoringEmitsOneScoredEvent(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	quiz, sub := addQuiz(t, store)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := store.Score(context.Background(), target(sub), grade(quizAt.Add(time.Second))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if stored, _, err := store.Score(context.Background(), target(sub), grade(quizAt.Add(time.Hour))); err != nil || stored != 0 {
		t.Fatalf("a later scoring: %d %v, want nothing stored", stored, err)
	}
	events := outboxOf(t, conn, "test_results_ready")
	if len(events) != 1 {
		t.Fatalf("%d scored events, want 1", len(events))
	}
	var got testresult.Scored
	if err := envelope.Decode(events[0].message(), testresult.EventScored, testresult.EventScoredVersion, &got); err != nil {
		t.Fatal(err)
	}
	if got.SubmissionID != sub.ID() || got.QuizTitle != quiz.Title() || got.Points != 2 || got.Percentage != 40 ||
		got.Weakest[0] != "sql" || !got.ScoredAt.Equal(quizAt.Add(time.Second)) || events[0].Metadata[envelope.KeyCorrelationID] != "corr-2" {
		t.Errorf("scored event %+v, metadata %v", got, events[0].Metadata)
	}
}

// A submission whose stored answers no longer fit its quiz is failed with the reason, and
// nobody is told it was scored.
func TestUnscorableSubmissionFailsWithTheReason(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	_, sub := addQuiz(t, store)
	if _, err := conn.Exec(`UPDATE test_submissions SET answers = '{"q7":["a"]}' WHERE id = $1`, sub.ID()); err != nil {
		t.Fatal(err)
	}
	if stored, _, err := store.Score(context.Background(), target(sub), grade(time.Now())); err != nil || stored != 1 {
		t.Fatalf("score: %d %v", stored, err)
	}
	stored, err := store.GetSubmission(context.Background(), "taker", sub.ID())
	if err != nil || stored.Status() != testresult.StatusFailed || stored.Reason() != `answers: the test has no question "q7"` {
		t.Fatalf("stored: %+v %v", stored.Snapshot(), err)
	}
	if n := len(outboxOf(t, conn, "test_results_ready")); n != 0 {
		t.Errorf("%d scored events for a failed submission", n)
	}
}

// Times are stored at the microsecond; the events written with a row carry the row's times.
func TestEventsCarryTheStoredTimes(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	quiz, _ := addQuiz(t, store)
	at := quizAt.Add(1500 * time.Nanosecond) // 1.5 µs: PostgreSQL keeps 1 µs
	sub, err := testresult.NewSubmission(uuid.NewString(), quiz, "taker", nil, at)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := store.AddSubmission(context.Background(), sub, func(int) error { return nil }, shared.EventMeta{}); err != nil || !ok {
		t.Fatalf("AddSubmission: %v %v", ok, err)
	}
	if _, _, err := store.Score(context.Background(), target(sub), grade(at)); err != nil {
		t.Fatal(err)
	}
	stored, err := store.GetSubmission(context.Background(), "taker", sub.ID())
	if err != nil {
		t.Fatal(err)
	}
	var scored testresult.Scored
	for _, e := range outboxOf(t, conn, "test_results_ready") {
		if err := envelope.Decode(e.message(), testresult.EventScored, testresult.EventScoredVersion, &scored); err != nil {
			t.Fatal(err)
		}
	}
	scoredAt, _ := stored.ScoredAt()
	if !stored.SubmittedAt().Equal(quizAt.Add(time.Microsecond)) || !scored.SubmittedAt.Equal(stored.SubmittedAt()) || !scored.ScoredAt.Equal(scoredAt) {
		t.Errorf("stored %v / %v, event %v / %v", stored.SubmittedAt(), scoredAt, scored.SubmittedAt, scored.ScoredAt)
	}
}

func TestQuizStoreConfigIsValidated(t *testing.T) {
	t.Parallel()
	conn, err := sql.Open("pgx", "postgres://u@127.0.0.1:1/db") // never connects
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := postgres.NewQuizStore(nil, postgres.QuizStoreConfig{}); err == nil {
		t.Error("a nil pool was accepted")
	}
	cfg := postgres.QuizStoreConfig{}
	cfg.Topics.Submissions = "bad topic name!"
	if _, err := postgres.NewQuizStore(conn, cfg); err == nil {
		t.Error("an invalid topic was accepted")
	}
}
