package todo

import "time"

// Event types and schema versions of the to-do context. Their names are a public contract: a
// consumer in another language matches on them (the ce_type header).
const (
	EventCreateRequested        = "taskstream.todo.create_requested"
	EventCreateRequestedVersion = "1"
)

// CreateRequested is the payload of EventCreateRequested on topic todo-create: everything the
// worker needs to store the to-do. Its JSON form is the public contract of the topic.
type CreateRequested struct {
	ID          string    `json:"id"`
	UserID      string    `json:"user_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// CreateRequestedEvent describes t as the event that asks for it to be stored.
func (t *Todo) CreateRequestedEvent() CreateRequested {
	return CreateRequested{
		ID: t.id, UserID: string(t.userID), Title: t.title, Description: t.description, CreatedAt: t.createdAt,
	}
}
