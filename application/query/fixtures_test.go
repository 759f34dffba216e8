package query_test

import (
	"testing"

	"github.com/taskstream/taskstream/domain/testresult"
)

const (
	quizID = "0193a1e0-0000-7000-8000-000000000001"
	subID  = "0193a1e0-0000-7000-8000-000000000002"
)

// storedQuiz puts a two-question quiz (5 points), owned by "owner", in r.
func storedQuiz(t *testing.T, r *fakeQuizReader) *testresult.Quiz {
	t.Helper()
	opts := []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	q, err := testresult.NewQuiz(quizID, "owner", "Backend basics", []testresult.QuestionSpec{
		{ID: "q1", Text: "1?", Kind: "single", Category: "go", Points: 2, Options: opts, Correct: []string{"b"}},
		{ID: "q2", Text: "2?", Kind: "multiple", Category: "sql", Points: 3, Options: opts, Correct: []string{"a", "b"}},
	}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	r.quizzes[q.ID()] = q
	return q
}
