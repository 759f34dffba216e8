package query

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/application/decorator"
)

// OutboxBacklog is the outbox's state: the rows the relay has not forwarded yet and the age of
// the oldest of them (0 when there is none).
type OutboxBacklog struct {
	Rows   int64
	Oldest time.Duration
}

// OutboxReader is the port to the outbox, implemented with adapters/outbox. A storage without
// an outbox (the embedded default) returns an error of kind unavailable.
type OutboxReader interface {
	Backlog(ctx context.Context) (OutboxBacklog, error)
}

// GetOutboxBacklog reads the outbox's backlog: what GET /v1/ops/outbox runs.
type GetOutboxBacklog struct{}

// GetOutboxBacklogHandler handles GetOutboxBacklog.
type GetOutboxBacklogHandler decorator.Handler[GetOutboxBacklog, OutboxBacklog]

type getOutboxBacklogHandler struct{ outbox OutboxReader }

// NewGetOutboxBacklogHandler returns the GetOutboxBacklog query. It panics on a nil port.
func NewGetOutboxBacklogHandler(outbox OutboxReader) decorator.Handler[GetOutboxBacklog, OutboxBacklog] {
	if outbox == nil {
		panic("query: nil outbox reader for GetOutboxBacklog")
	}
	return getOutboxBacklogHandler{outbox: outbox}
}

func (h getOutboxBacklogHandler) Handle(ctx context.Context, _ GetOutboxBacklog) (OutboxBacklog, error) {
	return h.outbox.Backlog(ctx)
}
