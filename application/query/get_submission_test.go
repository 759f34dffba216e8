package query_test

import (
	"context"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// A submission is its submitter's alone: another user's is not found.
func TestGetSubmissionIsTheSubmittersAlone(t *testing.T) {
	t.Parallel()
	r := newFakeQuizReader()
	q := storedQuiz(t, r)
	s, err := testresult.NewSubmission(subID, q, "taker", map[string][]string{"q1": {"b"}}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	r.submissions[subID] = s
	get := query.NewGetSubmissionHandler(r)
	got, err := get.Handle(context.Background(), query.GetSubmission{UserID: "taker", ID: subID})
	if err != nil || got.ID() != s.ID() {
		t.Fatalf("GetSubmission = %v, %v", got, err)
	}
	for _, tc := range []query.GetSubmission{{UserID: "owner", ID: subID}, {UserID: "taker", ID: quizID}} {
		if _, err := get.Handle(context.Background(), tc); shared.KindOf(err) != shared.KindNotFound {
			t.Errorf("%+v: %v, want not found", tc, err)
		}
	}
}

// A taker sees only their score where the quiz gives score-only feedback (the default): no
// right or wrong per question, no categories. Per-question feedback, or the owner's own
// submission, shows the whole result.
func TestGetSubmissionShowsWhatTheFeedbackAllows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		feedback string
		user     shared.UserID
		whole    bool
	}{
		{"a taker, by default", "", "taker", false},
		{"a taker, score only", "score", "taker", false},
		{"a taker, per question", "per_question", "taker", true},
		{"the owner, score only", "score", "owner", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newFakeQuizReader()
			q := storedQuizWith(t, r, testresult.QuizSettings{Feedback: tc.feedback})
			s, err := testresult.NewSubmission(subID, q, tc.user, map[string][]string{"q1": {"b"}}, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Score(q, fixedNow); err != nil {
				t.Fatal(err)
			}
			r.submissions[subID] = s
			got, err := query.NewGetSubmissionHandler(r).Handle(context.Background(), query.GetSubmission{UserID: tc.user, ID: subID})
			if err != nil {
				t.Fatal(err)
			}
			res, _ := got.Result()
			if res.Points != 2 || res.MaxPoints != 5 || res.Percentage != 40 {
				t.Errorf("score %+v, want 2 of 5", res)
			}
			whole := len(res.Questions) == 2 && len(res.Categories) == 2 && len(res.Weakest) == 1
			if whole != tc.whole || res.ScoreOnly == tc.whole {
				t.Errorf("result %+v; want whole %v", res, tc.whole)
			}
			if stored, _ := s.Result(); len(stored.Questions) != 2 {
				t.Errorf("the stored submission was cut: %+v", stored)
			}
		})
	}
}
