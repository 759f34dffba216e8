package httpport

import "github.com/taskstream/taskstream/domain/task"

// createTaskRequest is the body of POST /v1/tasks. Its fields are optional only to tell a null
// from an absent field: a null title, description or priority is refused (400), a null due_at
// means no due time, as the task JSON writes it.
type createTaskRequest struct {
	Title       optional[string] `json:"title"`
	Description optional[string] `json:"description"`
	Priority    optional[string] `json:"priority"`
	DueAt       optional[string] `json:"due_at"`
}

// updateTaskRequest is the body of PATCH /v1/tasks/{id}, a JSON merge patch (RFC 7396): absent
// fields stay, a null description clears it, a null due_at removes the due time, and a null
// title, status or priority is refused (422: a task always has them).
type updateTaskRequest struct {
	Title       optional[string] `json:"title"`
	Description optional[string] `json:"description"`
	Status      optional[string] `json:"status"`
	Priority    optional[string] `json:"priority"`
	DueAt       optional[string] `json:"due_at"`
}

// taskResponse is a task as the API shows it. DueAt is null when the task has no due time.
type taskResponse struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Status      string  `json:"status"`
	Priority    string  `json:"priority"`
	DueAt       *string `json:"due_at"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	Version     int64   `json:"version"`
}

// taskListResponse is one page of GET /v1/tasks.
type taskListResponse struct {
	Items      []taskResponse `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// historyEntryResponse is one change in GET /v1/tasks/{id}/history: what it did, and the task
// after it (for a deletion, its last state at the deletion's version).
type historyEntryResponse struct {
	EventID string       `json:"event_id"`
	Action  string       `json:"action"`
	Version int64        `json:"version"`
	At      string       `json:"at"`
	Task    taskResponse `json:"task"`
}

// taskHistoryResponse is GET /v1/tasks/{id}/history, oldest change first.
type taskHistoryResponse struct {
	Items []historyEntryResponse `json:"items"`
}

func toTaskResponse(t *task.Task) taskResponse {
	return snapshotResponse(t.Snapshot())
}

func snapshotResponse(s task.Snapshot) taskResponse {
	res := taskResponse{
		ID:          s.ID,
		Title:       s.Title,
		Description: s.Description,
		Status:      s.Status,
		Priority:    s.Priority,
		CreatedAt:   formatTime(s.CreatedAt),
		UpdatedAt:   formatTime(s.UpdatedAt),
		Version:     s.Version,
	}
	if s.DueAt != nil {
		due := formatTime(*s.DueAt)
		res.DueAt = &due
	}
	return res
}

func toTaskListResponse(page task.Page) taskListResponse {
	res := taskListResponse{Items: make([]taskResponse, 0, len(page.Items))}
	for _, t := range page.Items {
		res.Items = append(res.Items, toTaskResponse(t))
	}
	if page.Next != nil {
		res.NextCursor = encodeCursor(position{createdAt: page.Next.CreatedAt, id: page.Next.ID})
	}
	return res
}

func toTaskHistoryResponse(entries []task.AuditEntry) taskHistoryResponse {
	res := taskHistoryResponse{Items: make([]historyEntryResponse, 0, len(entries))}
	for _, e := range entries {
		res.Items = append(res.Items, historyEntryResponse{
			EventID: e.EventID,
			Action:  e.Action.String(),
			Version: e.Task.Version,
			At:      formatTime(e.At),
			Task:    snapshotResponse(e.Task),
		})
	}
	return res
}
