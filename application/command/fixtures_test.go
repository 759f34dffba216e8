package command_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

const (
	quizID = "0193a1e0-0000-7000-8000-000000000001"
	subID  = "0193a1e0-0000-7000-8000-000000000002"
	taskID = "0193a1e0-0000-7000-8000-000000000010"
	todoID = "0193a1e0-0000-7000-8000-000000000020"
)

// taskCreatedAt is when the tasks of storedTask were created; the task use cases run at fixedNow.
var taskCreatedAt = fixedNow.Add(-time.Hour)

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
	q, err := testresult.NewQuiz(quizID, "owner", "Backend basics", quizSpecs(), testresult.QuizSettings{}, fixedNow)
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

// storedTodo puts alice's to-do todoID in store.
func storedTodo(t *testing.T, store *fakeTodos) *todo.Todo {
	t.Helper()
	td, err := todo.New(todoID, "alice", "Buy milk", "", fixedNow.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	store.put(td)
	return td
}

// storedTask puts alice's task taskID in store: "Write the report", "for the board", high
// priority, due two days after fixedNow, created at taskCreatedAt and then moved to status (a
// minute later, at version 2, unless status is todo).
func storedTask(t *testing.T, store *fakeTasks, status task.Status) *task.Task {
	t.Helper()
	tk, err := task.New(taskID, "alice", "Write the report", "for the board", task.PriorityHigh, fixedNow.Add(48*time.Hour), taskCreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.MoveTo(status); err != nil {
		t.Fatal(err)
	}
	tk.Touch(taskCreatedAt.Add(time.Minute))
	store.put(tk)
	return tk
}

// describeTask prints every field of s, times in UTC, so that equal snapshots print the same.
func describeTask(s task.Snapshot) string {
	due := "no due time"
	if s.DueAt != nil {
		due = s.DueAt.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%s | %s | %q | %q | %s | %s | %s | created %s | updated %s | v%d", s.ID, s.UserID, s.Title,
		s.Description, s.Status, s.Priority, due, s.CreatedAt.UTC().Format(time.RFC3339Nano),
		s.UpdatedAt.UTC().Format(time.RFC3339Nano), s.Version)
}
