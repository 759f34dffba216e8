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
	reasons := map[int]error{}
	items := make([]command.IngestTodoItem, 0, len(msgs))
	origin := make([]int, 0, len(msgs))
	for i, msg := range msgs {
		var ev todo.CreateRequested
		if err := envelope.Decode(msg, todo.EventCreateRequested, &ev); err != nil {
			reasons[i] = err
			continue
		}
		items = append(items, toIngestItem(ev))
		origin = append(origin, i)
	}
	if len(items) > 0 {
		res, err := h.ingest.Handle(ctx, command.IngestTodos{Items: items})
		if err != nil {
			return nil, err
		}
		for _, r := range res.Rejected {
			reasons[origin[r.Index]] = r.Reason
		}
	}
	return inOrder(msgs, reasons), nil
}

// inOrder lists the rejected messages in the order they arrived, so the poison topic keeps it.
func inOrder(msgs []*message.Message, reasons map[int]error) []batch.Rejected {
	if len(reasons) == 0 {
		return nil
	}
	rejected := make([]batch.Rejected, 0, len(reasons))
	for i, msg := range msgs {
		if err, ok := reasons[i]; ok {
			rejected = append(rejected, batch.Rejected{Message: msg, Reason: err})
		}
	}
	return rejected
}

func toIngestItem(ev todo.CreateRequested) command.IngestTodoItem {
	return command.IngestTodoItem{
		ID: ev.ID, UserID: ev.UserID, Title: ev.Title, Description: ev.Description, CreatedAt: ev.CreatedAt,
	}
}
