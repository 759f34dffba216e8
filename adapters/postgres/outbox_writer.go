package postgres

import (
	"context"
	"database/sql"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/platform/envelope"
)

// eventWriter writes the messages of a change in the change's transaction (adapters/outbox),
// and maps its errors like those of the stores' own queries (a database that is down is
// unavailable, so the consumer or the client retries).
type eventWriter struct{ w *outbox.Writer }

func newEventWriter(cfg outbox.Config) (eventWriter, error) {
	w, err := outbox.NewWriter(cfg)
	if err != nil {
		return eventWriter{}, err
	}
	return eventWriter{w: w}, nil
}

func (e eventWriter) write(ctx context.Context, tx *sql.Tx, msgs []envelope.Routed) error {
	if err := e.w.Write(ctx, tx, msgs); err != nil {
		return dbError("write outbox", err)
	}
	return nil
}
