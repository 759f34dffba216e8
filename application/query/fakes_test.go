package query_test

import (
	"context"
	"errors"
	"time"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

// The fakes of this file stand in for the readers of the todo, task, testresult and notification
// queries. Each keeps what it was asked, so a test can assert on what reached it, and fails when
// told to.

var errReader = errors.New("reader unavailable")

var fixedNow = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// fakeTodos is the todo.Repository the to-do queries read, over a list of to-dos. It keeps the
// queries it was asked. The queries only read: the embedded nil Repository makes a write panic,
// which fails the test that made it.
type fakeTodos struct {
	todo.Repository

	todos []*todo.Todo
	// gets lists the user|id pairs Get was asked for; asked, the queries List was asked.
	gets  []string
	asked []todo.ListQuery
	// fail makes every call fail with it.
	fail error
}

func (f *fakeTodos) Get(_ context.Context, user shared.UserID, id string) (*todo.Todo, error) {
	f.gets = append(f.gets, string(user)+"|"+id)
	if f.fail != nil {
		return nil, f.fail
	}
	for _, t := range f.todos {
		if t.ID() == id && t.UserID() == user {
			return t, nil
		}
	}
	return nil, shared.NotFound("todo")
}

// List returns the user's to-dos in the order they were given, at most q.Limit, with the
// position of the last one as the next cursor when more follow. It ignores q.After: the tests
// assert that the cursor reached it.
func (f *fakeTodos) List(_ context.Context, q todo.ListQuery) (todo.Page, error) {
	f.asked = append(f.asked, q)
	if f.fail != nil {
		return todo.Page{}, f.fail
	}
	var page todo.Page
	for _, t := range f.todos {
		if t.UserID() != q.UserID {
			continue
		}
		if len(page.Items) == q.Limit {
			last := page.Items[len(page.Items)-1]
			page.Next = &todo.Cursor{CreatedAt: last.CreatedAt(), ID: last.ID()}
			break
		}
		page.Items = append(page.Items, t)
	}
	return page, nil
}

// fakeTaskReader is a query.TaskReader over a list of tasks and the history of each. It keeps
// the queries it was asked.
type fakeTaskReader struct {
	tasks   []*task.Task
	history map[string][]task.AuditEntry
	// gets and histories list the user|id pairs Get and History were asked for; asked, the
	// queries List was asked.
	gets, histories []string
	asked           []task.ListQuery
	// fail makes every call fail with it.
	fail error
}

func (f *fakeTaskReader) Get(_ context.Context, user shared.UserID, id string) (*task.Task, error) {
	f.gets = append(f.gets, string(user)+"|"+id)
	if f.fail != nil {
		return nil, f.fail
	}
	for _, t := range f.tasks {
		if t.ID() == id && t.UserID() == user {
			return t, nil
		}
	}
	return nil, shared.NotFound("task")
}

// List returns the user's tasks in the order they were given, at most q.Limit, with the
// position of the last one as the next cursor when more follow. It ignores the filters and the
// cursor: the tests assert that they reached it.
func (f *fakeTaskReader) List(_ context.Context, q task.ListQuery) (task.Page, error) {
	f.asked = append(f.asked, q)
	if f.fail != nil {
		return task.Page{}, f.fail
	}
	var page task.Page
	for _, t := range f.tasks {
		if t.UserID() != q.UserID {
			continue
		}
		if len(page.Items) == q.Limit {
			last := page.Items[len(page.Items)-1]
			page.Next = &task.Cursor{CreatedAt: last.CreatedAt(), ID: last.ID()}
			break
		}
		page.Items = append(page.Items, t)
	}
	return page, nil
}

// History returns the user's entries for the task, in the order they were given.
func (f *fakeTaskReader) History(_ context.Context, user shared.UserID, id string) ([]task.AuditEntry, error) {
	f.histories = append(f.histories, string(user)+"|"+id)
	if f.fail != nil {
		return nil, f.fail
	}
	var out []task.AuditEntry
	for _, e := range f.history[id] {
		if e.Task.UserID == string(user) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, shared.NotFound("task history")
	}
	return out, nil
}

// fakeQuizReader is a query.QuizReader in maps.
type fakeQuizReader struct {
	quizzes     map[string]*testresult.Quiz
	submissions map[string]*testresult.Submission
	scores      map[string][]testresult.RecordedScore
	// scoresAsked lists the quizzes Scores was called for.
	scoresAsked []string
	// failScores makes Scores fail with it.
	failScores error
}

func newFakeQuizReader() *fakeQuizReader {
	return &fakeQuizReader{quizzes: map[string]*testresult.Quiz{}, submissions: map[string]*testresult.Submission{}, scores: map[string][]testresult.RecordedScore{}}
}

func (f *fakeQuizReader) GetQuiz(_ context.Context, id string) (*testresult.Quiz, error) {
	q, ok := f.quizzes[id]
	if !ok {
		return nil, shared.NotFound("test")
	}
	return q, nil
}

func (f *fakeQuizReader) GetSubmission(_ context.Context, user shared.UserID, id string) (*testresult.Submission, error) {
	s, ok := f.submissions[id]
	if !ok || s.UserID() != user {
		return nil, shared.NotFound("submission")
	}
	return s, nil
}

func (f *fakeQuizReader) Scores(_ context.Context, quizID string) ([]testresult.RecordedScore, error) {
	f.scoresAsked = append(f.scoresAsked, quizID)
	if f.failScores != nil {
		return nil, f.failScores
	}
	return f.scores[quizID], nil
}

// fakeNotificationReader is a query.NotificationReader that returns page and keeps the queries
// it was asked.
type fakeNotificationReader struct {
	page  notification.Page
	asked []notification.ListQuery
	fail  error
}

func (f *fakeNotificationReader) List(_ context.Context, q notification.ListQuery) (notification.Page, error) {
	f.asked = append(f.asked, q)
	return f.page, f.fail
}
