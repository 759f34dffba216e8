package outbox

import (
	"context"
	"database/sql"

	"github.com/taskstream/taskstream/application/query"
)

// BacklogReader is Backlog behind the application's port, for GET /v1/ops/outbox.
type BacklogReader struct{ db *sql.DB }

var _ query.OutboxReader = BacklogReader{}

// NewBacklogReader reads the backlog of the outbox in db. It panics on a nil db.
func NewBacklogReader(db *sql.DB) BacklogReader {
	if db == nil {
		panic("outbox: nil database")
	}
	return BacklogReader{db: db}
}

// Backlog reads the rows not forwarded yet and the age of the oldest.
func (r BacklogReader) Backlog(ctx context.Context) (query.OutboxBacklog, error) {
	rows, oldest, err := Backlog(ctx, r.db)
	return query.OutboxBacklog{Rows: rows, Oldest: oldest}, err
}
