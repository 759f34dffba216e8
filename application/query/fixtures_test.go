package query_test

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
)

// storedQuiz puts a two-question quiz (5 points), owned by "owner", in r.
func storedQuiz(t *testing.T, r *fakeQuizReader) *testresult.Quiz {
	t.Helper()
	return storedQuizWith(t, r, testresult.QuizSettings{})
}

// storedQuizWith is storedQuiz's quiz with the settings cfg.
func storedQuizWith(t *testing.T, r *fakeQuizReader, cfg testresult.QuizSettings) *testresult.Quiz {
	t.Helper()
	opts := []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	q, err := testresult.NewQuiz(quizID, "owner", "Backend basics", []testresult.QuestionSpec{
		{ID: "q1", Text: "1?", Kind: "single", Category: "go", Points: 2, Options: opts, Correct: []string{"b"}},
		{ID: "q2", Text: "2?", Kind: "multiple", Category: "sql", Points: 3, Options: opts, Correct: []string{"a", "b"}},
	}, cfg, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	r.quizzes[q.ID()] = q
	return q
}

// todoAt returns to-do n of user, created n minutes before fixedNow.
func todoAt(t *testing.T, n int, user shared.UserID) *todo.Todo {
	t.Helper()
	td, err := todo.New(fmt.Sprintf("0193a1e0-0000-7000-8000-0000000001%02d", n), user, fmt.Sprintf("to-do %d", n), "",
		fixedNow.Add(-time.Duration(n)*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return td
}

// taskAt returns task n of user, created n minutes before fixedNow.
func taskAt(t *testing.T, n int, user shared.UserID) *task.Task {
	t.Helper()
	tk, err := task.New(fmt.Sprintf("0193a1e0-0000-7000-8000-0000000002%02d", n), user, fmt.Sprintf("task %d", n), "",
		task.PriorityMedium, time.Time{}, fixedNow.Add(-time.Duration(n)*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// trail returns the history of tk, a task in todo at version 1: created, completed and deleted, a
// minute apart, each entry with its own event id. It completes tk.
func trail(t *testing.T, tk *task.Task) []task.AuditEntry {
	t.Helper()
	created := task.NewChange(task.ActionCreated, tk)
	if err := tk.Complete(); err != nil {
		t.Fatal(err)
	}
	tk.Touch(tk.CreatedAt().Add(time.Minute))
	completed := task.NewChange(task.ActionCompleted, tk)
	deleted := task.Deletion(tk, tk.CreatedAt().Add(2*time.Minute))
	var out []task.AuditEntry
	for i, c := range []task.Change{created, completed, deleted} {
		out = append(out, task.AuditEntry{
			EventID: fmt.Sprintf("0193a1e0-0000-7000-8000-0000000003%02d", i), Action: c.Action, Task: c.Task, At: c.Task.UpdatedAt,
		})
	}
	return out
}
