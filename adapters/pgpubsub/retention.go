package pgpubsub

import (
	"context"
	"fmt"
	"time"
)

// Retention is how long a message is kept in its topic table: Kafka's
// default retention.ms, with the same meaning (ADR 6). A consumer group further behind than this
// misses the messages deleted, as it would on Kafka, and parked messages can be replayed for
// this long.
const Retention = 7 * 24 * time.Hour

const (
	// pruneFirst and pruneEvery space the deletes of old rows.
	pruneFirst = time.Minute
	pruneEvery = 10 * time.Minute
	// pruneBatch bounds one delete. An open transaction holds back the delivery of every topic
	// (rows are read only below the oldest running transaction), so no delete may take long.
	pruneBatch = 1000
)

// RunRetention deletes the messages of the configured topics older than Retention, a minute
// after it starts and then every ten minutes, until ctx is done. Every worker replica runs it;
// that is harmless (a row is deleted once) and needs no leader.
func (p *PubSub) RunRetention(ctx context.Context) error {
	timer := time.NewTimer(pruneFirst)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		for _, topic := range p.topics {
			n, err := p.Prune(ctx, topic, Retention)
			if err != nil && ctx.Err() == nil {
				p.logger.WarnContext(ctx, "deleting old messages failed; will try again", "topic", topic, "error", err)
			}
			if n > 0 {
				p.logger.InfoContext(ctx, "deleted messages older than the retention", "topic", topic, "messages", n, "retention", Retention)
			}
		}
		timer.Reset(pruneEvery)
	}
}

// Prune deletes topic's rows older than age, pruneBatch at a time, and returns how many it
// deleted. created_at is the inserting transaction's start in the session's time zone, which
// LOCALTIMESTAMP matches.
func (p *PubSub) Prune(ctx context.Context, topic string, age time.Duration) (int64, error) {
	if err := ValidateTopic("topic", topic); err != nil {
		return 0, err
	}
	table := schema.MessagesTable(topic)
	//nolint:gosec // the table name is a topic checked by ValidateTopic
	query := fmt.Sprintf(`
		DELETE FROM %[1]s WHERE (transaction_id, "offset") IN (
			SELECT transaction_id, "offset" FROM %[1]s
			WHERE created_at < LOCALTIMESTAMP - make_interval(secs => $1)
			ORDER BY created_at
			LIMIT %[2]d)`, table, pruneBatch)
	var total int64
	for {
		res, err := p.db.ExecContext(ctx, query, age.Seconds())
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}
