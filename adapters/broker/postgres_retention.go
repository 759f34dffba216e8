package broker

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// PostgresRetention is how long the postgres broker keeps a message in its topic table: Kafka's
// default retention.ms, with the same meaning (ADR 6). A consumer group further behind than this
// misses the messages deleted, as it would on Kafka, and parked messages can be replayed for
// this long.
const PostgresRetention = 7 * 24 * time.Hour

const (
	// pruneFirst and pruneEvery space the deletes of old rows; every replica prunes, which is
	// harmless (a row is deleted once) and needs no leader.
	pruneFirst = time.Minute
	pruneEvery = 10 * time.Minute
	// pruneBatch bounds one delete. An open transaction holds back the delivery of every topic
	// (rows are read only below the oldest running transaction), so no delete may take long.
	pruneBatch = 1000
)

// pruner deletes the rows of the configured topics once they are older than the retention.
type pruner struct {
	db        *sql.DB
	topics    []string
	retention time.Duration
	logger    *slog.Logger

	stop context.CancelFunc
	done sync.WaitGroup
}

func startPruner(db *sql.DB, topics []string, logger *slog.Logger) *pruner {
	ctx, stop := context.WithCancel(context.Background())
	p := &pruner{db: db, topics: topics, retention: PostgresRetention, logger: logger, stop: stop}
	p.done.Go(func() { p.run(ctx) })
	return p
}

// close stops the pruner and waits for a delete under way.
func (p *pruner) close() {
	p.stop()
	p.done.Wait()
}

func (p *pruner) run(ctx context.Context) {
	timer := time.NewTimer(pruneFirst)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		for _, topic := range p.topics {
			n, err := prune(ctx, p.db, topic, p.retention)
			if err != nil && ctx.Err() == nil {
				p.logger.WarnContext(ctx, "deleting old messages failed; will try again", "topic", topic, "error", err)
			}
			if n > 0 {
				p.logger.InfoContext(ctx, "deleted messages older than the retention", "topic", topic, "messages", n, "retention", p.retention)
			}
		}
		timer.Reset(pruneEvery)
	}
}

// prune deletes topic's rows older than age, pruneBatch at a time, and returns how many it
// deleted. created_at is the inserting transaction's start in the session's time zone, which
// LOCALTIMESTAMP matches.
func prune(ctx context.Context, db *sql.DB, topic string, age time.Duration) (int64, error) {
	table := postgresSchema.MessagesTable(topic)
	//nolint:gosec // the table name is a configured topic checked by postgresTables.ensure
	query := fmt.Sprintf(`
		DELETE FROM %[1]s WHERE (transaction_id, "offset") IN (
			SELECT transaction_id, "offset" FROM %[1]s
			WHERE created_at < LOCALTIMESTAMP - make_interval(secs => $1)
			ORDER BY created_at
			LIMIT %[2]d)`, table, pruneBatch)
	var total int64
	for {
		res, err := db.ExecContext(ctx, query, age.Seconds())
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
