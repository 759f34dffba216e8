package messaging

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/batch"
	"github.com/taskstream/taskstream/platform/envelope"
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
func (h *TodoIngest) Handle(ctx context.Context, msgs []*message.Message) ([]batch.Rejected, error) {
	var rejected []batch.Rejected
	items := make([]command.IngestTodoItem, 0, len(msgs))
	origin := make([]*message.Message, 0, len(msgs))
	for _, msg := range msgs {
		var ev todo.CreateRequested
		if err := envelope.Decode(msg, todo.EventCreateRequested, &ev); err != nil {
			rejected = append(rejected, batch.Rejected{Message: msg, Reason: err})
			continue
		}
		items = append(items, toIngestItem(ev))
		origin = append(origin, msg)
	}
	if len(items) == 0 {
		return rejected, nil
	}
	res, err := h.ingest.Handle(ctx, command.IngestTodos{Items: items})
	if err != nil {
		return nil, err
	}
	for _, r := range res.Rejected {
		rejected = append(rejected, batch.Rejected{Message: origin[r.Index], Reason: r.Reason})
	}
	return rejected, nil
}

func toIngestItem(ev todo.CreateRequested) command.IngestTodoItem {
	return command.IngestTodoItem{
		ID: ev.ID, UserID: ev.UserID, Title: ev.Title, Description: ev.Description, CreatedAt: ev.CreatedAt,
	}
}
