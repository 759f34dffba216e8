package contract

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// quizEpoch is when the quiz suite's quizzes are created and answered.
var quizEpoch = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// newQuiz returns a quiz by owner of two questions: q1 (go, 2 points, single, b is right) and
// q2 (sql, 3 points, multiple, a and b are right), which takes any number of attempts.
func newQuiz(t *testing.T, owner shared.UserID) *testresult.Quiz {
	t.Helper()
	return newQuizWith(t, owner, testresult.QuizSettings{UnlimitedAttempts: true})
}

// newQuizWith returns newQuiz's quiz with the settings cfg.
func newQuizWith(t *testing.T, owner shared.UserID, cfg testresult.QuizSettings) *testresult.Quiz {
	t.Helper()
	opts := []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	q, err := testresult.NewQuiz(uuid.NewString(), owner, "Quiz", []testresult.QuestionSpec{
		{ID: "q1", Text: "1?", Kind: "single", Category: "go", Points: 2, Options: opts, Correct: []string{"b"}},
		{ID: "q2", Text: "2?", Kind: "multiple", Category: "sql", Points: 3, Options: opts, Correct: []string{"a", "b"}},
	}, cfg, micro(quizEpoch))
	if err != nil {
		t.Fatalf("testresult.NewQuiz: %v", err)
	}
	return q
}

// newSubmission returns a pending submission of user to q that gets q1 right and q2 wrong.
func newSubmission(t *testing.T, q *testresult.Quiz, user shared.UserID) *testresult.Submission {
	t.Helper()
	s, err := testresult.NewSubmission(uuid.NewString(), q, user, map[string][]string{"q1": {"b"}, "q2": {"a"}}, micro(quizEpoch))
	if err != nil {
		t.Fatalf("testresult.NewSubmission: %v", err)
	}
	return s
}

func mustAddQuiz(t *testing.T, store Quizzes, q *testresult.Quiz) {
	t.Helper()
	if added, err := store.AddQuiz(context.Background(), q); err != nil || !added {
		t.Fatalf("AddQuiz = %v, %v; want true", added, err)
	}
}

func mustAddSubmission(t *testing.T, store Quizzes, s *testresult.Submission) {
	t.Helper()
	if added, err := store.AddSubmission(context.Background(), s, admitAll, meta); err != nil || !added {
		t.Fatalf("AddSubmission = %v, %v; want true", added, err)
	}
}

// admitAll admits every attempt.
func admitAll(int) error { return nil }

func mustGetSubmission(t *testing.T, store Quizzes, user shared.UserID, id string) *testresult.Submission {
	t.Helper()
	s, err := store.GetSubmission(context.Background(), user, id)
	if err != nil {
		t.Fatalf("GetSubmission: %v", err)
	}
	return s
}

// targets are the score targets of subs, in order.
func targets(subs ...*testresult.Submission) []testresult.ScoreTarget {
	out := make([]testresult.ScoreTarget, len(subs))
	for i, s := range subs {
		out[i] = testresult.ScoreTarget{SubmissionID: s.ID(), Meta: meta}
	}
	return out
}

// grade is a decide that grades every pending submission at at and stores it.
func grade(at time.Time) func(*testresult.Quiz, *testresult.Submission) (bool, error) {
	return func(q *testresult.Quiz, s *testresult.Submission) (bool, error) {
		if !s.IsPending() {
			return false, nil
		}
		return true, s.Grade(q, at)
	}
}

func neverDecided(t *testing.T) func(*testresult.Quiz, *testresult.Submission) (bool, error) {
	return func(*testresult.Quiz, *testresult.Submission) (bool, error) {
		t.Error("decide was called")
		return false, nil
	}
}

func assertSameQuiz(t *testing.T, got, want *testresult.Quiz) {
	t.Helper()
	g, w := got.Snapshot(), want.Snapshot()
	if !g.CreatedAt.Equal(w.CreatedAt) {
		t.Errorf("quiz created at %v, want %v", g.CreatedAt, w.CreatedAt)
	}
	g.CreatedAt, w.CreatedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("quiz\n got %+v\nwant %+v", g, w)
	}
}

func assertSameSubmission(t *testing.T, got, want *testresult.Submission) {
	t.Helper()
	g, w := got.Snapshot(), want.Snapshot()
	if !g.SubmittedAt.Equal(w.SubmittedAt) || !g.ScoredAt.Equal(w.ScoredAt) {
		t.Errorf("submitted at %v and scored at %v, want %v and %v", g.SubmittedAt, g.ScoredAt, w.SubmittedAt, w.ScoredAt)
	}
	g.SubmittedAt, g.ScoredAt, w.SubmittedAt, w.ScoredAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("submission\n got %+v\nwant %+v", g, w)
	}
}
