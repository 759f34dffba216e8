package command_test

import (
	"testing"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

const (
	quizID = "0193a1e0-0000-7000-8000-000000000001"
	subID  = "0193a1e0-0000-7000-8000-000000000002"
)

// quizSpecs are two questions: q1 (go, 2 points, single, b is right) and q2 (sql, 3 points,
// multiple, a and c are right).
func quizSpecs() []testresult.QuestionSpec {
	opts := []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}, {ID: "c", Text: "C"}}
	return []testresult.QuestionSpec{
		{ID: "q1", Text: "Which keyword starts a goroutine?", Kind: "single", Category: "go", Points: 2, Options: opts, Correct: []string{"b"}},
		{ID: "q2", Text: "Which are isolation levels?", Kind: "multiple", Category: "sql", Points: 3, Options: opts, Correct: []string{"a", "c"}},
	}
}

// storedQuiz puts the quiz of quizSpecs, owned by "owner", in store.
func storedQuiz(t *testing.T, store *fakeQuizzes) *testresult.Quiz {
	t.Helper()
	q, err := testresult.NewQuiz(quizID, "owner", "Backend basics", quizSpecs(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	store.quizzes[q.ID()] = q
	return q
}

// storedSubmission puts a pending submission id of user to q, with answers, in store.
func storedSubmission(t *testing.T, store *fakeQuizzes, q *testresult.Quiz, id string, user shared.UserID, answers map[string][]string) *testresult.Submission {
	t.Helper()
	s, err := testresult.NewSubmission(id, q, user, answers, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	store.put(s)
	return s
}
