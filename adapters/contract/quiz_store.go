package contract

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/testresult"
)

// Quizzes is what the quiz store suite exercises: the repository, the score log and the reader
// of the same quizzes, as every adapter implements them in one type.
type Quizzes interface {
	testresult.QuizRepository
	testresult.ScoreLog
	query.QuizReader
}

// QuizStore runs the testresult.QuizRepository, testresult.ScoreLog and query.QuizReader
// contract against the stores newStore returns. Subtests run in parallel, each with its own
// quizzes, submissions and users, so newStore may hand every subtest the same store. The events
// a store writes are its own to test (the outbox, a publisher).
func QuizStore(t *testing.T, newStore func(t *testing.T) Quizzes) {
	tests := []struct {
		name string
		run  func(t *testing.T, store Quizzes)
	}{
		{"add and get a quiz", testQuizAddAndGet},
		{"add and get a submission", testSubmissionAddAndGet},
		{"score stores what decide decided", testScoreStoresTheDecision},
		{"score stores a failed submission with its reason", testScoreStoresAFailure},
		{"score without a write stores nothing", testScoreWithoutAWrite},
		{"score whose decide fails stores nothing", testScoreDecideFails},
		{"score reports the targets that name no submission", testScoreReportsMissing},
		{"concurrent scorings of one submission decide it once", testScoreTakesTurns},
		{"scores are recorded once per submission", testScoresRecordedOnce},
		{"attempts are counted per quiz and user", testAttemptsCounted},
		{"an attempt past the limit stores nothing", testAttemptPastTheLimit},
		{"a retry past the limit is no new attempt", testRetryPastTheLimit},
		{"concurrent submissions do not pass the limit", testConcurrentAttempts},
		{"the settings are stored with the quiz", testQuizSettingsStored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore(t))
		})
	}
}

func testQuizAddAndGet(t *testing.T, store Quizzes) {
	ctx := context.Background()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	got, err := store.GetQuiz(ctx, q.ID())
	if err != nil {
		t.Fatal(err)
	}
	assertSameQuiz(t, got, q)
	if !got.HasAnswerKey() {
		t.Error("the stored quiz lost its answer key")
	}

	again := q.Snapshot()
	again.Title = "second attempt"
	retry, err := testresult.RehydrateQuiz(again)
	if err != nil {
		t.Fatal(err)
	}
	if added, err := store.AddQuiz(ctx, retry); err != nil || added {
		t.Errorf("AddQuiz of an existing id = %v, %v; want false", added, err)
	}
	if got, err := store.GetQuiz(ctx, q.ID()); err != nil || got.Title() != "Quiz" {
		t.Errorf("after the retried add: %v, %v; want the first quiz", got, err)
	}
	_, err = store.GetQuiz(ctx, uuid.NewString())
	assertNotFound(t, "GetQuiz of an unknown id", err)
	_, err = store.GetQuiz(ctx, "not-a-uuid")
	assertNotFound(t, "GetQuiz of a malformed id", err)
}

func testSubmissionAddAndGet(t *testing.T, store Quizzes) {
	ctx, user := context.Background(), newUser()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	s := newSubmission(t, q, user)
	mustAddSubmission(t, store, s)
	got := mustGetSubmission(t, store, user, s.ID())
	assertSameSubmission(t, got, s)
	if !got.IsPending() {
		t.Errorf("a new submission is %s", got.Status())
	}
	if added, err := store.AddSubmission(ctx, s, admitAll, meta); err != nil || added {
		t.Errorf("AddSubmission of an existing id = %v, %v; want false", added, err)
	}
	_, err := store.GetSubmission(ctx, newUser(), s.ID())
	assertNotFound(t, "GetSubmission of another user's submission", err)
	_, err = store.GetSubmission(ctx, user, uuid.NewString())
	assertNotFound(t, "GetSubmission of an unknown id", err)
	_, err = store.GetSubmission(ctx, user, "not-a-uuid")
	assertNotFound(t, "GetSubmission of a malformed id", err)
}

func testScoreStoresTheDecision(t *testing.T, store Quizzes) {
	ctx, user := context.Background(), newUser()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	s := newSubmission(t, q, user)
	mustAddSubmission(t, store, s)
	at := micro(quizEpoch.Add(time.Second))
	want := mustGetSubmission(t, store, user, s.ID())
	if err := want.Score(q, at); err != nil {
		t.Fatal(err)
	}

	stored, missing, err := store.Score(ctx, targets(s), func(got *testresult.Quiz, sub *testresult.Submission) (bool, error) {
		assertSameQuiz(t, got, q)
		return grade(at)(got, sub)
	})
	if err != nil || stored != 1 || len(missing) != 0 {
		t.Fatalf("Score = %d, %v, %v; want 1 stored", stored, missing, err)
	}
	got := mustGetSubmission(t, store, user, s.ID())
	assertSameSubmission(t, got, want)
	if r, _ := got.Result(); r.Points != 2 || r.Percentage != 40 {
		t.Errorf("result %+v, want 2 points (40%%)", r)
	}

	// A later scoring finds the submission decided.
	stored, _, err = store.Score(ctx, targets(s), func(_ *testresult.Quiz, sub *testresult.Submission) (bool, error) {
		if sub.IsPending() {
			t.Error("a scored submission is pending again")
		}
		return false, nil
	})
	if err != nil || stored != 0 {
		t.Errorf("a later Score = %d, %v; want nothing stored", stored, err)
	}
}

func testScoreStoresAFailure(t *testing.T, store Quizzes) {
	ctx, user := context.Background(), newUser()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	s := newSubmission(t, q, user)
	mustAddSubmission(t, store, s)
	at := micro(quizEpoch.Add(time.Second))
	stored, _, err := store.Score(ctx, targets(s), func(_ *testresult.Quiz, sub *testresult.Submission) (bool, error) {
		return true, sub.Fail("the quiz changed", at)
	})
	if err != nil || stored != 1 {
		t.Fatalf("Score = %d, %v; want 1 stored", stored, err)
	}
	got := mustGetSubmission(t, store, user, s.ID())
	scoredAt, _ := got.ScoredAt()
	if _, scored := got.Result(); got.Status() != testresult.StatusFailed || got.Reason() != "the quiz changed" || scored || !scoredAt.Equal(at) {
		t.Errorf("stored %+v, want failed with the reason and no result", got.Snapshot())
	}
}

func testScoreWithoutAWrite(t *testing.T, store Quizzes) {
	ctx, user := context.Background(), newUser()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	s := newSubmission(t, q, user)
	mustAddSubmission(t, store, s)
	stored, _, err := store.Score(ctx, targets(s), func(q *testresult.Quiz, sub *testresult.Submission) (bool, error) {
		return false, sub.Grade(q, time.Now()) // decided, but not to be written
	})
	if err != nil || stored != 0 {
		t.Fatalf("Score = %d, %v; want nothing stored", stored, err)
	}
	assertSameSubmission(t, mustGetSubmission(t, store, user, s.ID()), s)
}

func testScoreDecideFails(t *testing.T, store Quizzes) {
	ctx, user := context.Background(), newUser()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	first, second := newSubmission(t, q, user), newSubmission(t, q, user)
	mustAddSubmission(t, store, first)
	mustAddSubmission(t, store, second)
	errBoom := errors.New("boom")
	// Whichever order the store decides in, one submission is graded and the other fails: the
	// graded one must not be stored either.
	_, _, err := store.Score(ctx, targets(first, second), func(q *testresult.Quiz, sub *testresult.Submission) (bool, error) {
		if sub.ID() == second.ID() {
			return false, errBoom
		}
		return true, sub.Grade(q, time.Now())
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Score = %v, want decide's error", err)
	}
	for _, s := range []*testresult.Submission{first, second} {
		assertSameSubmission(t, mustGetSubmission(t, store, user, s.ID()), s)
	}
}

func testScoreReportsMissing(t *testing.T, store Quizzes) {
	ctx, user := context.Background(), newUser()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	s := newSubmission(t, q, user)
	mustAddSubmission(t, store, s)
	unknown := uuid.NewString()
	batch := append([]testresult.ScoreTarget{{SubmissionID: unknown}, {SubmissionID: "not-a-uuid"}}, targets(s)...)
	stored, missing, err := store.Score(ctx, batch, grade(micro(time.Now())))
	if err != nil || stored != 1 {
		t.Fatalf("Score = %d, %v; want the known submission stored", stored, err)
	}
	slices.Sort(missing)
	if want := []string{unknown, "not-a-uuid"}; !slices.Equal(missing, sorted(want)) {
		t.Errorf("missing %v, want %v", missing, want)
	}
	if got := mustGetSubmission(t, store, user, s.ID()); got.Status() != testresult.StatusScored {
		t.Errorf("the known submission is %s", got.Status())
	}
	if stored, missing, err := store.Score(ctx, []testresult.ScoreTarget{{SubmissionID: unknown}}, neverDecided(t)); err != nil || stored != 0 || len(missing) != 1 {
		t.Errorf("Score of an unknown submission alone = %d, %v, %v", stored, missing, err)
	}
}

// Concurrent scorings of one submission (deliveries of its event to several batches) take turns
// on its lock, and each sees the decision of the one before: one of them writes.
func testScoreTakesTurns(t *testing.T, store Quizzes) {
	ctx, user := context.Background(), newUser()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	s := newSubmission(t, q, user)
	mustAddSubmission(t, store, s)
	var (
		wg      sync.WaitGroup
		written atomic.Int64
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stored, _, err := store.Score(ctx, targets(s), grade(micro(time.Now())))
			if err != nil {
				t.Error(err)
			}
			written.Add(int64(stored))
		}()
	}
	wg.Wait()
	if written.Load() != 1 {
		t.Errorf("%d scorings wrote, want 1", written.Load())
	}
}

func testScoresRecordedOnce(t *testing.T, store Quizzes) {
	ctx := context.Background()
	q := newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	first := testresult.Scored{SubmissionID: uuid.NewString(), QuizID: q.ID(), UserID: "bob", Percentage: 40,
		SubmittedAt: micro(quizEpoch), ScoredAt: micro(quizEpoch.Add(time.Second))}
	second := testresult.Scored{SubmissionID: uuid.NewString(), QuizID: q.ID(), UserID: "carol", Percentage: 80,
		SubmittedAt: micro(quizEpoch.Add(time.Minute)), ScoredAt: micro(quizEpoch.Add(2 * time.Minute))}
	for i, c := range []struct {
		e    testresult.Scored
		want bool
	}{{first, true}, {first, false}, {second, true}, {second, false}} {
		if ok, err := store.Record(ctx, c.e); err != nil || ok != c.want {
			t.Fatalf("Record %d = %v, %v; want %v", i, ok, err, c.want)
		}
	}
	scores, err := store.Scores(ctx, q.ID())
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(scores, func(a, b testresult.RecordedScore) int { return cmp.Compare(a.Percentage, b.Percentage) })
	want := []testresult.RecordedScore{
		{SubmissionID: first.SubmissionID, UserID: "bob", SubmittedAt: first.SubmittedAt, Percentage: 40},
		{SubmissionID: second.SubmissionID, UserID: "carol", SubmittedAt: second.SubmittedAt, Percentage: 80},
	}
	if len(scores) != 2 || !sameScore(scores[0], want[0]) || !sameScore(scores[1], want[1]) {
		t.Errorf("Scores = %+v; want %+v", scores, want)
	}
	if scores, err := store.Scores(ctx, uuid.NewString()); err != nil || len(scores) != 0 {
		t.Errorf("Scores of a quiz without scores = %v, %v; want none", scores, err)
	}
}

func sameScore(a, b testresult.RecordedScore) bool {
	return a.SubmissionID == b.SubmissionID && a.UserID == b.UserID && a.SubmittedAt.Equal(b.SubmittedAt) && a.Percentage == b.Percentage
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
