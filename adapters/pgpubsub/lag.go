package pgpubsub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lag is how far a consumer group is behind on a topic table: the rows after its position and
// when the transaction that inserted the first of them began (zero when Rows is 0). A topic
// table has no partitions: one position per group.
type Lag struct {
	Group, Topic string
	Rows         int64
	Oldest       time.Time
}

// Lag reads group's lag on topic. The position is watermill-sql's row in
// watermill_offsets_<topic> (the last acknowledged transaction id and offset), read without the
// lock subscribers take on it, so a scrape never waits for a batch in hand; a group without a
// row is at the start, as a new group starts there. The count reads only the rows after the
// position through the primary key (transaction_id, offset).
func (p *PubSub) Lag(ctx context.Context, group, topic string) (Lag, error) {
	// The topic goes into SQL as a table name.
	if err := ValidateTopic("topic", topic); err != nil {
		return Lag{}, err
	}
	l := Lag{Group: group, Topic: topic}
	var (
		txID   = "0"
		offset int64
	)
	err := p.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT COALESCE(offset_acked, 0), last_processed_transaction_id::text
		FROM %s WHERE consumer_group = $1`, offsets.MessagesOffsetsTable(topic)), group).Scan(&offset, &txID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Lag{}, fmt.Errorf("position of group %s on %s: %w", group, topic, err)
	}
	var oldest sql.NullTime
	// created_at holds the inserting transaction's start in the session's time zone.
	err = p.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*), min(created_at) AT TIME ZONE current_setting('TimeZone')
		FROM %s WHERE (transaction_id, "offset") > ($1::text::xid8, $2)`, schema.MessagesTable(topic)),
		txID, offset).Scan(&l.Rows, &oldest)
	if err != nil {
		return Lag{}, fmt.Errorf("lag of group %s on %s: %w", group, topic, err)
	}
	l.Oldest = oldest.Time
	return l, nil
}
