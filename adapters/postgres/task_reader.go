package postgres

import (
	"context"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// Get returns the user's task, or a not-found error when it does not exist, was deleted or
// belongs to another user.
func (s *TaskStore) Get(ctx context.Context, userID shared.UserID, id string) (*task.Task, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("task")
	}
	row, err := s.q.GetTask(ctx, db.GetTaskParams{UserID: string(userID), ID: uid})
	if err != nil {
		return nil, taskError("get task", err)
	}
	return toDomainTask(row)
}

// List returns one page of the user's tasks, newest first. It asks for one row more than the
// page size to learn whether another page follows.
func (s *TaskStore) List(ctx context.Context, q task.ListQuery) (task.Page, error) {
	params, err := toDBListTasks(q)
	if err != nil {
		return task.Page{}, err
	}
	rows, err := s.q.ListTasks(ctx, params)
	if err != nil {
		return task.Page{}, taskError("list tasks", err)
	}
	page := task.Page{Items: make([]*task.Task, 0, min(len(rows), q.Limit))}
	for i, row := range rows {
		if i == q.Limit {
			last := page.Items[len(page.Items)-1]
			page.Next = &task.Cursor{CreatedAt: last.CreatedAt(), ID: last.ID()}
			break
		}
		t, err := toDomainTask(row)
		if err != nil {
			return task.Page{}, err
		}
		page.Items = append(page.Items, t)
	}
	return page, nil
}

// History returns the user's audit entries of the task in version order, also after the task
// was deleted; a not-found error when there is none.
func (s *TaskStore) History(ctx context.Context, userID shared.UserID, id string) ([]task.AuditEntry, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("task history")
	}
	rows, err := s.q.ListTaskAudit(ctx, db.ListTaskAuditParams{TaskID: uid, UserID: string(userID)})
	if err != nil {
		return nil, entityError("task history", "list task audit", err)
	}
	if len(rows) == 0 {
		return nil, shared.NotFound("task history")
	}
	entries := make([]task.AuditEntry, len(rows))
	for i, row := range rows {
		if entries[i], err = toDomainAuditEntry(row); err != nil {
			return nil, err
		}
	}
	return entries, nil
}
