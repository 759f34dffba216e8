package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Backlog reports the rows of the outbox the relay has not forwarded yet and the age of the
// oldest of them (0 when there is none): what /metrics shows as the outbox backlog.
func Backlog(ctx context.Context, db *sql.DB) (rows int64, oldest time.Duration, err error) {
	// The position first: a row comparison with constants can use the primary key, so the count
	// reads only the rows after the position, not the dead rows before it.
	var pos position
	err = db.QueryRowContext(ctx, positionQuery, RelayGroup).Scan(&pos.offset, &pos.txID)
	if errors.Is(err, sql.ErrNoRows) {
		pos = position{txID: "0"}
	} else if err != nil {
		return 0, 0, fmt.Errorf("outbox position: %w", err)
	}
	var seconds float64
	if err := db.QueryRowContext(ctx, backlogQuery, pos.txID, pos.offset).Scan(&rows, &seconds); err != nil {
		return 0, 0, fmt.Errorf("outbox backlog: %w", err)
	}
	return rows, time.Duration(seconds * float64(time.Second)), nil
}

const backlogQuery = `SELECT count(*), COALESCE(EXTRACT(EPOCH FROM LOCALTIMESTAMP - min(created_at)), 0)::float8
		FROM "watermill_outbox" WHERE (transaction_id, "offset") > ($1::text::xid8, $2)`
