package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OutboxBacklog reports the rows of the outbox the relay has not forwarded yet and the age of
// the oldest of them (0 when there is none): what /metrics shows as the outbox backlog.
func OutboxBacklog(ctx context.Context, db *sql.DB) (rows int64, oldest time.Duration, err error) {
	var seconds float64
	err = db.QueryRowContext(ctx, backlogQuery, RelayGroup).Scan(&rows, &seconds)
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: outbox backlog: %w", err)
	}
	return rows, time.Duration(seconds * float64(time.Second)), nil
}

const backlogQuery = `SELECT count(*), COALESCE(EXTRACT(EPOCH FROM LOCALTIMESTAMP - min(o.created_at)), 0)::float8
	FROM "watermill_outbox" o
	WHERE (o.transaction_id, o."offset") > COALESCE(
		(SELECT (last_processed_transaction_id, offset_acked) FROM "watermill_offsets_outbox" WHERE consumer_group = $1),
		('0'::xid8, 0::bigint))`
