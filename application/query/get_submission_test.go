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
	if err != nil || got != s {
		t.Fatalf("GetSubmission = %v, %v", got, err)
	}
	for _, tc := range []query.GetSubmission{{UserID: "owner", ID: subID}, {UserID: "taker", ID: quizID}} {
		if _, err := get.Handle(context.Background(), tc); shared.KindOf(err) != shared.KindNotFound {
			t.Errorf("%+v: %v, want not found", tc, err)
		}
	}
}
