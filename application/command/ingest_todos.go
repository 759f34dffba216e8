package command

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// IngestTodos stores a batch of accepted to-dos, as the to-do worker reads them from the broker.
type IngestTodos struct {
	Items []IngestTodoItem
}

// IngestTodoItem is one accepted to-do, as its create event describes it.
type IngestTodoItem struct {
	ID          string
	UserID      string
	Title       string
	Description string
	CreatedAt   time.Time
}

// Rejection says why item Index of the batch was not stored. A rejected item is never retried.
type Rejection struct {
	Index  int
	Reason error
}

// IngestResult reports what a batch did.
type IngestResult struct {
	Inserted   int
	Duplicates int
	Rejected   []Rejection
}

// IngestTodosHandler handles IngestTodos.
type IngestTodosHandler decorator.Handler[IngestTodos, IngestResult]

type ingestTodosHandler struct {
	repo todo.Repository
}

// NewIngestTodosHandler returns the IngestTodos use case. It panics on a nil repository.
func NewIngestTodosHandler(repo todo.Repository) decorator.Handler[IngestTodos, IngestResult] {
	if repo == nil {
		panic("command: nil repository for IngestTodos")
	}
	return ingestTodosHandler{repo: repo}
}

// Handle validates every item, stores the valid ones in one transaction (idempotently by id)
// and reports the invalid ones. An error means nothing was stored and the batch may be retried.
func (h ingestTodosHandler) Handle(ctx context.Context, cmd IngestTodos) (IngestResult, error) {
	var res IngestResult
	valid := make([]*todo.Todo, 0, len(cmd.Items))
	for i, it := range cmd.Items {
		t, err := todo.New(it.ID, shared.UserID(it.UserID), it.Title, it.Description, it.CreatedAt)
		if err != nil {
			res.Rejected = append(res.Rejected, Rejection{Index: i, Reason: err})
			continue
		}
		valid = append(valid, t)
	}
	if len(valid) == 0 {
		return res, nil
	}
	inserted, err := h.repo.AddBatch(ctx, valid)
	if err != nil {
		return IngestResult{}, err
	}
	res.Inserted = inserted
	res.Duplicates = len(valid) - inserted
	return res, nil
}
