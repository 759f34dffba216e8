package httpport

import (
	"encoding/json"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/todo"
)

// createTodoRequest is the body of POST /v1/todos. Its fields are optional[string] only to tell
// a null (refused: 400) from an absent field.
type createTodoRequest struct {
	Title       optional[string] `json:"title"`
	Description optional[string] `json:"description"`
}

// updateTodoRequest is the body of PATCH /v1/todos/{id}, a JSON merge patch (RFC 7396): absent
// fields stay, a null description clears it, a null title or completed is refused.
type updateTodoRequest struct {
	Title       optional[string] `json:"title"`
	Description optional[string] `json:"description"`
	Completed   optional[bool]   `json:"completed"`
}

// optional is a JSON field that may be absent; it remembers whether it was present and null.
type optional[T any] struct {
	set   bool
	null  bool
	value T
}

// UnmarshalJSON records that the field was present and whether it was null.
func (o *optional[T]) UnmarshalJSON(data []byte) error {
	o.set = true
	if string(data) == "null" {
		o.null = true
		return nil
	}
	return json.Unmarshal(data, &o.value)
}

// ptr returns the value when the field was present, nil otherwise.
func (o optional[T]) ptr() *T {
	if !o.set {
		return nil
	}
	return &o.value
}

// todoResponse is a to-do as the API shows it.
type todoResponse struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Completed   bool   `json:"completed"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

// acceptedTodoResponse answers POST /v1/todos: the to-do as it will be stored, and its status.
type acceptedTodoResponse struct {
	todoResponse
	Status string `json:"status"`
}

// todoListResponse is one page of GET /v1/todos.
type todoListResponse struct {
	Items      []todoResponse `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

func toTodoResponse(t *todo.Todo) todoResponse {
	return todoResponse{
		ID:          t.ID(),
		Title:       t.Title(),
		Description: t.Description(),
		Completed:   t.Completed(),
		CreatedAt:   formatTime(t.CreatedAt()),
		UpdatedAt:   formatTime(t.UpdatedAt()),
	}
}

func toAcceptedTodoResponse(created command.CreatedTodo) acceptedTodoResponse {
	return acceptedTodoResponse{todoResponse: toTodoResponse(created.Todo), Status: "accepted"}
}

func toTodoListResponse(page todo.Page) todoListResponse {
	res := todoListResponse{Items: make([]todoResponse, 0, len(page.Items))}
	for _, t := range page.Items {
		res.Items = append(res.Items, toTodoResponse(t))
	}
	if page.Next != nil {
		res.NextCursor = encodeCursor(position{createdAt: page.Next.CreatedAt, id: page.Next.ID})
	}
	return res
}

// formatTime writes t as RFC 3339 in UTC, with as many fraction digits as it has.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
