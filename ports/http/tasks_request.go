package httpport

import (
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// createTaskCommandOf decodes a POST body and the Idempotency-Key into the command.
func createTaskCommandOf(c *gin.Context) (command.CreateTask, error) {
	var req createTaskRequest
	if err := decodeJSON(c, &req); err != nil {
		return command.CreateTask{}, err
	}
	switch {
	case req.Title.null:
		return command.CreateTask{}, malformed("title", "must not be null")
	case req.Description.null:
		return command.CreateTask{}, malformed("description", "must not be null")
	case req.Priority.null:
		return command.CreateTask{}, malformed("priority", "must not be null")
	}
	var priority *string
	if req.Priority.set {
		priority = &req.Priority.value
	}
	key, err := idempotencyKeyOf(c)
	if err != nil {
		return command.CreateTask{}, err
	}
	var due time.Time
	if req.DueAt.set && !req.DueAt.null {
		if due, err = parseTime("due_at", req.DueAt.value); err != nil {
			return command.CreateTask{}, err
		}
	}
	return command.CreateTask{
		UserID:         userOf(c),
		Title:          req.Title.value,
		Description:    req.Description.value,
		Priority:       priority,
		DueAt:          due,
		IdempotencyKey: key,
		Meta:           eventMetaFrom(c.Request.Context()),
	}, nil
}

// updateTaskCommandOf decodes a PATCH body, a JSON merge patch (RFC 7396) under either media
// type: present fields change, a null description clears it, a null due_at removes the due
// time. A null title, status or priority asks to remove what a task always has: 422. An empty
// patch is a 400.
func updateTaskCommandOf(c *gin.Context) (command.UpdateTask, error) {
	var req updateTaskRequest
	if err := decodeJSON(c, &req, mediaJSON, mediaMergePatch); err != nil {
		return command.UpdateTask{}, err
	}
	switch {
	case req.Title.null:
		return command.UpdateTask{}, shared.Invalid("title", "cannot be removed: a task always has a title")
	case req.Status.null:
		return command.UpdateTask{}, shared.Invalid("status", "cannot be removed: a task always has a status")
	case req.Priority.null:
		return command.UpdateTask{}, shared.Invalid("priority", "cannot be removed: a task always has a priority")
	case !req.Title.set && !req.Description.set && !req.Status.set && !req.Priority.set && !req.DueAt.set:
		return command.UpdateTask{}, malformed("", "nothing to change: set title, description, status, priority or due_at")
	}
	cmd := command.UpdateTask{
		UserID:      userOf(c),
		Title:       req.Title.ptr(),
		Description: req.Description.ptr(), // null: the zero value, an empty description
		Status:      req.Status.ptr(),
		Priority:    req.Priority.ptr(),
		Meta:        eventMetaFrom(c.Request.Context()),
	}
	if req.DueAt.set {
		var due time.Time // null: the zero time, no due time
		if !req.DueAt.null {
			var err error
			if due, err = parseTime("due_at", req.DueAt.value); err != nil {
				return command.UpdateTask{}, err
			}
		}
		cmd.DueAt = &due
	}
	return cmd, nil
}

// taskListQueryOf reads status, priority, due_before, limit and cursor from the query string;
// bad values are a 400.
func taskListQueryOf(c *gin.Context) (task.ListQuery, error) {
	q := task.ListQuery{UserID: userOf(c)}
	params, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		return q, malformed("", "the query string is malformed")
	}
	if params.Has("status") {
		if q.Status, err = task.ParseStatus(params.Get("status")); err != nil {
			return q, malformed("status", "must be todo, in_progress or done")
		}
	}
	if params.Has("priority") {
		if q.Priority, err = task.ParsePriority(params.Get("priority")); err != nil {
			return q, malformed("priority", "must be low, medium, high or urgent")
		}
	}
	if params.Has("due_before") {
		if q.DueBefore, err = parseTime("due_before", params.Get("due_before")); err != nil {
			return q, err
		}
	}
	limit, after, err := pageOf(params, task.DefaultPageSize, task.MaxPageSize)
	if err != nil {
		return q, err
	}
	q.Limit = limit
	if after != nil {
		q.After = &task.Cursor{CreatedAt: after.createdAt, ID: after.id}
	}
	return q, nil
}

// parseTime reads an RFC 3339 date-time from field; anything else is a 400. Two instants that
// parse are refused (422): the zero one, 0001-01-01T00:00:00Z, which the use cases read as
// "none", and one whose year in UTC is not 1 to 9999 ("9999-12-31T23:00:00-02:00"), which has
// no RFC 3339 form in UTC to answer with.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, malformed(field, "must be an RFC 3339 date-time, such as 2026-05-01T17:00:00Z")
	}
	if year := t.UTC().Year(); t.IsZero() || year < 1 || year > 9999 {
		return time.Time{}, shared.Invalid(field, "is out of range")
	}
	return t, nil
}
