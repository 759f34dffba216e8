package broker

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// postgresRow is a row of a topic table.
type postgresRow struct {
	offset    int64
	createdAt time.Time
	message   *message.Message
}

// readPostgresTopic calls fn with every row of topic's table, in the order subscribers get them,
// as one query sees them (so it stops at the end). It stops early when fn returns false.
//
// The table lives in the broker's database, which the PostgreSQL adapter owns too; the read is
// here because it is the broker's table layout (postgresSchema), not the adapter's.
func readPostgresTopic(ctx context.Context, db *sql.DB, topic string, fn func(postgresRow) bool) error {
	// created_at holds the inserting transaction's start in the session's time zone.
	//nolint:gosec // the table name is a topic checked by postgresTables.ensure
	query := fmt.Sprintf(`
		SELECT "offset", uuid, payload, metadata, created_at AT TIME ZONE current_setting('TimeZone')
		FROM %s ORDER BY transaction_id, "offset"`, postgresSchema.MessagesTable(topic))
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("read topic %s: %w", topic, err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			r                 postgresRow
			uuid              string
			payload, metadata []byte
		)
		if err := rows.Scan(&r.offset, &uuid, &payload, &metadata, &r.createdAt); err != nil {
			return fmt.Errorf("read topic %s: %w", topic, err)
		}
		r.message = message.NewMessage(uuid, payload)
		if len(metadata) > 0 {
			if err := json.Unmarshal(metadata, &r.message.Metadata); err != nil {
				return fmt.Errorf("topic %s, offset %d: metadata: %w", topic, r.offset, err)
			}
		}
		if !fn(r) {
			return nil
		}
	}
	return rows.Err()
}
