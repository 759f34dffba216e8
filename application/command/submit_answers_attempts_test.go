package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// storedQuizWith puts the quiz of quizSpecs, owned by "owner", with cfg, in store.
func storedQuizWith(t *testing.T, store *fakeQuizzes, cfg testresult.QuizSettings) *testresult.Quiz {
	t.Helper()
	q, err := testresult.NewQuiz(quizID, "owner", "Backend basics", quizSpecs(), cfg, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	store.quizzes[q.ID()] = q
	return q
}

// Attempt N+1 at a quiz that allows N is refused with a conflict naming no attempts left, and
// nothing is stored; another user still has theirs.
func TestSubmitAnswersRefusesTheAttemptPastTheLimit(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	storedQuizWith(t, store, testresult.QuizSettings{MaxAttempts: 2})
	submit := newSubmitAnswers(store, &fixedIDs{next: []string{
		"0193a1e0-0000-7000-8000-0000000000c1", "0193a1e0-0000-7000-8000-0000000000c2",
		"0193a1e0-0000-7000-8000-0000000000c3", "0193a1e0-0000-7000-8000-0000000000c4",
	}})
	cmd := command.SubmitAnswers{UserID: "bob", QuizID: quizID, Answers: map[string][]string{"q1": {"b"}}}
	for n := 1; n <= 2; n++ {
		out, err := submit.Handle(context.Background(), cmd)
		if err != nil || !out.Created || out.Submission.Attempt() != n {
			t.Fatalf("attempt %d: %v, %+v", n, err, out)
		}
	}
	_, err := submit.Handle(context.Background(), cmd)
	if shared.KindOf(err) != shared.KindConflict || !errors.Is(err, testresult.ErrNoAttemptsLeft) {
		t.Fatalf("the third attempt: %v, want a conflict, no attempts left", err)
	}
	if len(store.submissions) != 2 || len(store.submitted) != 2 {
		t.Errorf("%d submissions and %d events stored, want 2", len(store.submissions), len(store.submitted))
	}
	cmd.UserID = "carol"
	if _, err := submit.Handle(context.Background(), cmd); err != nil {
		t.Errorf("another user's first attempt: %v", err)
	}
}

// A retried key past the limit answers the submission it stored: the client that lost the
// first answer is not told it has no attempt left for the attempt it made.
func TestSubmitAnswersRetryPastTheLimitReturnsTheFirst(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	storedQuiz(t, store)
	submit := newSubmitAnswers(store, &fixedIDs{next: []string{"0193a1e0-0000-7000-8000-0000000000c1"}})
	cmd := command.SubmitAnswers{UserID: "bob", QuizID: quizID, Answers: map[string][]string{"q1": {"b"}}, IdempotencyKey: "k-1"}
	first, err := submit.Handle(context.Background(), cmd)
	if err != nil || !first.Created {
		t.Fatalf("first: %v", err)
	}
	retry, err := submit.Handle(context.Background(), cmd)
	if err != nil || retry.Created || retry.Submission.ID() != first.Submission.ID() {
		t.Fatalf("retry: %v, %+v", err, retry)
	}
	cmd.IdempotencyKey = ""
	if _, err := submit.Handle(context.Background(), cmd); !errors.Is(err, testresult.ErrNoAttemptsLeft) {
		t.Errorf("a new submission past the limit: %v, want no attempts left", err)
	}
}

// The notification of a score-only quiz names no category to practise: the weakest categories
// would tell which questions were wrong.
func TestQuizScoredRequestOfAScoreOnlyQuizNamesNoCategory(t *testing.T) {
	t.Parallel()
	ids := func(string) string { return "0193a8e2-7b1c-7cde-8f00-0000000000c1" }
	for _, tc := range []struct {
		feedback string
		msg      string
	}{
		{"", "You scored 2 of 5 points."},
		{"per_question", "You scored 2 of 5 points. To practise: sql."},
	} {
		store := newFakeQuizzes()
		q := storedQuizWith(t, store, testresult.QuizSettings{Feedback: tc.feedback})
		s, err := testresult.NewSubmission(subID, q, "bob", map[string][]string{"q1": {"b"}}, fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Score(q, fixedNow); err != nil {
			t.Fatal(err)
		}
		e, _ := s.ScoredEvent(q)
		req, err := command.QuizScoredRequest(e, ids)
		if err != nil {
			t.Fatal(err)
		}
		if req.Message != tc.msg || strings.Contains(req.Title, "sql") {
			t.Errorf("feedback %q: %q / %q, want message %q", tc.feedback, req.Title, req.Message, tc.msg)
		}
	}
}
