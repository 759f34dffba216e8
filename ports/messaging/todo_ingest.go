package messaging

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/todo"
)

// TodoIngestHandlerName names the to-do worker's handler in logs, metrics and poison headers.
const TodoIngestHandlerName = "todo-ingest"

// TodoIngest stores the to-dos of a batch of create events from topic todo-create.
type TodoIngest struct {
	ingest command.IngestTodosHandler
}

// NewTodoIngest returns the to-do worker's handler. It panics on a nil use case.
func NewTodoIngest(ingest command.IngestTodosHandler) *TodoIngest {
	if ingest == nil {
		panic("messaging: nil IngestTodos handler")
	}
	return &TodoIngest{ingest: ingest}
}

// Handle decodes every message, stores the valid to-dos in one transaction and rejects the
// messages that cannot be decoded or break a rule, each with its reason.
func (h *TodoIngest) Handle(ctx context.Context, msgs []*message.Message) ([]Rejected, error) {
	b := decodeBatch(msgs, todo.EventCreateRequested, todo.EventCreateRequestedVersion, toIngestItem)
	if len(b.items) > 0 {
		res, err := h.ingest.Handle(ctx, command.IngestTodos{Items: b.items})
		if err != nil {
			return nil, err
		}
		b.reject(res.Rejected)
	}
	return b.rejected(), nil
}

func toIngestItem(ev todo.CreateRequested, _ *message.Message) command.IngestTodoItem {
	return command.IngestTodoItem{
		ID: ev.ID, UserID: ev.UserID, Title: ev.Title, Description: ev.Description, CreatedAt: ev.CreatedAt,
	}
}
