package query_test

import (
	"context"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

// Anyone may read a quiz to take it; only its owner sees the answer key.
func TestGetQuizShowsTheAnswerKeyToTheOwnerOnly(t *testing.T) {
	t.Parallel()
	r := newFakeQuizReader()
	storedQuiz(t, r)
	get := query.NewGetQuizHandler(r)
	for _, tc := range []struct {
		user    shared.UserID
		withKey bool
	}{{"owner", true}, {"taker", false}} {
		q, err := get.Handle(context.Background(), query.GetQuiz{UserID: tc.user, ID: quizID})
		if err != nil {
			t.Fatal(err)
		}
		if q.HasAnswerKey() != tc.withKey || len(q.Questions()) != 2 || q.MaxScore() != 5 {
			t.Errorf("%s: key %v, %d questions, max %d", tc.user, q.HasAnswerKey(), len(q.Questions()), q.MaxScore())
		}
		for _, question := range q.Questions() {
			if (question.Correct() != nil) != tc.withKey {
				t.Errorf("%s sees question %s with key %v", tc.user, question.ID(), question.Correct())
			}
		}
	}
	if !r.quizzes[quizID].HasAnswerKey() {
		t.Error("a taker's read took the key from the stored quiz")
	}
}

func TestGetQuizOfAnUnknownQuizIsNotFound(t *testing.T) {
	t.Parallel()
	_, err := query.NewGetQuizHandler(newFakeQuizReader()).Handle(context.Background(), query.GetQuiz{UserID: "taker", ID: quizID})
	if shared.KindOf(err) != shared.KindNotFound {
		t.Errorf("error %v, want not found", err)
	}
}
