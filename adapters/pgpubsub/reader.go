package pgpubsub

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Row is a row of a topic table.
type Row struct {
	// Offset is the row's position in the table; a parked message's reference.
	Offset int64
	// CreatedAt is when the transaction that inserted it began.
	CreatedAt time.Time
	Message   *message.Message
}

// ReadTopic calls fn with every row of topic's table, in the order subscribers get them, as one
// query sees them (so it stops at the end). It stops early when fn returns false. It is how the
// parked messages of the poison topic are listed.
func (p *PubSub) ReadTopic(ctx context.Context, topic string, fn func(Row) bool) error {
	if err := ValidateTopic("topic", topic); err != nil {
		return err
	}
	// created_at holds the inserting transaction's start in the session's time zone.
	//nolint:gosec // the table name is a topic checked by ValidateTopic
	query := fmt.Sprintf(`
		SELECT "offset", uuid, payload, metadata, created_at AT TIME ZONE current_setting('TimeZone')
		FROM %s ORDER BY transaction_id, "offset"`, schema.MessagesTable(topic))
	rows, err := p.db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("read topic %s: %w", topic, err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			r                 Row
			uuid              string
			payload, metadata []byte
		)
		if err := rows.Scan(&r.Offset, &uuid, &payload, &metadata, &r.CreatedAt); err != nil {
			return fmt.Errorf("read topic %s: %w", topic, err)
		}
		r.Message = message.NewMessage(uuid, payload)
		if len(metadata) > 0 {
			if err := json.Unmarshal(metadata, &r.Message.Metadata); err != nil {
				return fmt.Errorf("topic %s, offset %d: metadata: %w", topic, r.Offset, err)
			}
		}
		if !fn(r) {
			return nil
		}
	}
	return rows.Err()
}
