package postgres_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

var quizAt = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

func newQuizStore(t *testing.T) (*postgres.TestStore, *sql.DB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	conn := pgtest.NewDB(t)
	store, err := postgres.NewTestStore(conn, postgres.TestStoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return store, conn
}

// addQuiz stores a two-question test (5 points) and a submission by "taker" that gets q1 right.
func addQuiz(t *testing.T, store *postgres.TestStore) (*testresult.Test, *testresult.Submission) {
	t.Helper()
	opts := []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	quiz, err := testresult.NewTest(uuid.NewString(), "owner", "Quiz", []testresult.Question{
		{ID: "q1", Text: "1?", Kind: testresult.KindSingle, Category: "go", Points: 2, Options: opts, Correct: []string{"b"}},
		{ID: "q2", Text: "2?", Kind: testresult.KindMultiple, Category: "sql", Points: 3, Options: opts, Correct: []string{"a", "b"}},
	}, quizAt)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := store.AddTest(ctx, quiz); err != nil || !ok {
		t.Fatalf("AddTest: %v %v", ok, err)
	}
	if ok, err := store.AddTest(ctx, quiz); err != nil || ok {
		t.Fatalf("AddTest again: %v %v, want false", ok, err)
	}
	sub, err := testresult.NewSubmission(uuid.NewString(), quiz, "taker", map[string][]string{"q1": {"b"}, "q2": {"a"}}, quizAt)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := store.AddSubmission(ctx, sub, shared.EventMeta{CorrelationID: "corr-1"}); err != nil || !ok {
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

// scoreBatch is a batch of the submitted events of subs, as the result calculator gets them.
func scoreBatch(subs ...*testresult.Submission) command.ScoreSubmissions {
	var b command.ScoreSubmissions
	for _, s := range subs {
		b.Items = append(b.Items, command.ScoreItem{Event: testresult.Submitted{SubmissionID: s.ID, TestID: s.TestID, UserID: string(s.UserID)}})
	}
	return b
}

// A submission and its submitted event commit together; a retried id writes neither again.
func TestSubmissionIsStoredWithItsEvent(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	_, sub := addQuiz(t, store)
	if ok, err := store.AddSubmission(context.Background(), sub, shared.EventMeta{}); err != nil || ok {
		t.Fatalf("AddSubmission again: %v %v, want false", ok, err)
	}
	events := outboxOf(t, conn, "test_submissions")
	if len(events) != 1 {
		t.Fatalf("%d submitted events in the outbox, want 1", len(events))
	}
	var got testresult.Submitted
	if err := envelope.Decode(events[0].message(), testresult.EventSubmitted, &got); err != nil {
		t.Fatal(err)
	}
	if got.SubmissionID != sub.ID || got.UserID != "taker" || events[0].Metadata[envelope.KeyCorrelationID] != "corr-1" {
		t.Errorf("event %+v, metadata %v", got, events[0].Metadata)
	}
	stored, err := store.GetSubmission(context.Background(), "taker", sub.ID)
	if err != nil || stored.Status != testresult.StatusPending || len(stored.Answers) != 2 {
		t.Fatalf("stored: %+v %v", stored, err)
	}
	if _, err := store.GetSubmission(context.Background(), "owner", sub.ID); shared.KindOf(err) != shared.KindNotFound {
		t.Errorf("another user's submission: %v, want not found", err)
	}
}

// Many deliveries of the submitted event, at once and later (a replayed copy has a new id),
// score the submission once and emit one scored event: the row lock and the status guard it.
func TestScoringIsIdempotent(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	quiz, sub := addQuiz(t, store)
	score := command.NewScoreSubmissionsHandler(store, func() time.Time { return quizAt.Add(time.Second) })
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		written int
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A batch may hold the same event twice (a redelivery within one poll).
			res, err := score.Handle(context.Background(), scoreBatch(sub, sub))
			if err != nil || len(res.Rejected) > 0 {
				t.Error(err, res.Rejected)
			}
			mu.Lock()
			defer mu.Unlock()
			written += res.Stored
		}()
	}
	wg.Wait()
	// A later delivery writes nothing either.
	if res, err := score.Handle(context.Background(), scoreBatch(sub)); err != nil || res.Stored != 0 {
		t.Fatalf("a later event: %+v %v, want nothing stored", res, err)
	}
	if written != 1 {
		t.Fatalf("%d deliveries wrote, want 1", written)
	}
	events := outboxOf(t, conn, "test_results_ready")
	if len(events) != 1 {
		t.Fatalf("%d scored events, want 1", len(events))
	}
	var got testresult.Scored
	if err := envelope.Decode(events[0].message(), testresult.EventScored, &got); err != nil {
		t.Fatal(err)
	}
	if got.SubmissionID != sub.ID || got.TestTitle != quiz.Title || got.Points != 2 || got.Percentage != 40 || got.Weakest[0] != "sql" {
		t.Errorf("scored event %+v", got)
	}
	stored, err := store.GetSubmission(context.Background(), "taker", sub.ID)
	if err != nil || stored.Status != testresult.StatusScored || stored.Result.Points != 2 || !stored.ScoredAt.Equal(quizAt.Add(time.Second)) {
		t.Fatalf("stored: %+v %v", stored, err)
	}
}

// A submission whose answers no longer fit its test is failed with the reason, and nobody is
// told it was scored.
func TestUnscorableSubmissionFailsWithTheReason(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	_, sub := addQuiz(t, store)
	if _, err := conn.Exec(`UPDATE test_submissions SET answers = '{"q7":["a"]}' WHERE id = $1`, sub.ID); err != nil {
		t.Fatal(err)
	}
	res, err := command.NewScoreSubmissionsHandler(store, time.Now).Handle(context.Background(), scoreBatch(sub))
	if err != nil || res.Stored != 1 {
		t.Fatalf("score: %+v %v", res, err)
	}
	stored, err := store.GetSubmission(context.Background(), "taker", sub.ID)
	if err != nil || stored.Status != testresult.StatusFailed || stored.Reason != `answers: the test has no question "q7"` {
		t.Fatalf("stored: %+v %v", stored, err)
	}
	if n := len(outboxOf(t, conn, "test_results_ready")); n != 0 {
		t.Errorf("%d scored events for a failed submission", n)
	}
}

// In a batch, an event for a submission that is not stored is rejected as invalid (the
// consumer parks it) and the others are scored in the same transaction.
func TestScoringRejectsAnUnknownSubmissionAndScoresTheRest(t *testing.T) {
	t.Parallel()
	store, conn := newQuizStore(t)
	_, sub := addQuiz(t, store)
	unknown := &testresult.Submission{ID: uuid.NewString(), TestID: uuid.NewString(), UserID: "x"}
	res, err := command.NewScoreSubmissionsHandler(store, time.Now).Handle(context.Background(), scoreBatch(unknown, sub))
	if err != nil || res.Stored != 1 || len(res.Rejected) != 1 || res.Rejected[0].Index != 0 ||
		shared.KindOf(res.Rejected[0].Reason) != shared.KindInvalid {
		t.Fatalf("score: %+v %v, want the unknown one rejected as invalid and the other stored", res, err)
	}
	if n := len(outboxOf(t, conn, "test_results_ready")); n != 1 {
		t.Errorf("%d scored events, want 1", n)
	}
}

// Analytics counts each scored submission once, however often its event comes.
func TestScoresAreCountedOnce(t *testing.T) {
	t.Parallel()
	store, _ := newQuizStore(t)
	quiz, _ := addQuiz(t, store)
	ctx := context.Background()
	first := testresult.Scored{SubmissionID: uuid.NewString(), TestID: quiz.ID, Percentage: 40, ScoredAt: quizAt}
	second := testresult.Scored{SubmissionID: uuid.NewString(), TestID: quiz.ID, Percentage: 80, ScoredAt: quizAt}
	for i, c := range []struct {
		e    testresult.Scored
		want bool
	}{{first, true}, {first, false}, {second, true}, {second, false}} {
		if ok, err := store.Record(ctx, c.e); err != nil || ok != c.want {
			t.Fatalf("record %d: %v %v, want %v", i, ok, err, c.want)
		}
	}
	scores, err := store.Scores(ctx, quiz.ID)
	if err != nil || len(scores) != 2 || scores[0]+scores[1] != 120 {
		t.Fatalf("scores %v %v", scores, err)
	}
}
