package postgres

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
)

// markProcessed records in tx that the consumer group has processed the message messageID
// (the inbox). It reports false when the group had recorded it before; the caller then writes
// nothing else, because the effects of that message are committed already. While another
// delivery of the same message is still in its transaction, the insert waits for it, and
// reports false once it commits (true, if it rolled back).
//
// Every consumer that writes to the database calls it first in the transaction of its writes,
// so a redelivered message changes nothing.
func markProcessed(ctx context.Context, tx *sql.Tx, group, messageID string) (bool, error) {
	n, err := db.New(tx).InsertInbox(ctx, db.InsertInboxParams{ConsumerGroup: group, MessageID: messageID})
	if err != nil {
		return false, dbError("record in inbox", err)
	}
	return n == 1, nil
}

// processOnce runs apply in one transaction with markProcessed and commits. It skips apply,
// reporting false, when the group had processed the message before. apply's errors are
// returned as they are, and nothing is written then, not even the inbox row, so the message
// is retried.
func processOnce(ctx context.Context, conn *sql.DB, group, messageID string, apply func(ctx context.Context, tx *sql.Tx) error) (bool, error) {
	ctx, span := startTx(ctx, "INSERT inbox", "inbox")
	defer span.End()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, dbError("begin inbox transaction", err)
	}
	defer func() { _ = tx.Rollback() }()

	first, err := markProcessed(ctx, tx, group, messageID)
	if err != nil || !first {
		return false, err
	}
	if err := apply(ctx, tx); err != nil { // ctx: the transaction's span is the parent of what apply writes
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, commitError("commit inbox transaction", err)
	}
	return true, nil
}

// PruneInbox deletes inbox rows processed before olderThan, at most batch rows per statement
// until none is left, and reports how many it deleted. A message is redelivered only within
// the broker's retention (Kafka: its log retention; the postgres broker: a week), so rows
// older than that guard nothing.
func PruneInbox(ctx context.Context, conn *sql.DB, olderThan time.Time, batch int) (int64, error) {
	var total int64
	for {
		res, err := conn.ExecContext(ctx, pruneInboxQuery, olderThan, batch)
		if err != nil {
			return total, dbError("prune inbox", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, dbError("prune inbox", err)
		}
		total += n
		if n < int64(batch) {
			return total, nil
		}
	}
}

// InboxPruneInterval is how often RunInboxPruner deletes expired inbox rows.
const InboxPruneInterval = time.Hour

// RunInboxPruner deletes inbox rows older than retention at once and then every
// InboxPruneInterval, until ctx is done. Several replicas doing it at once is harmless.
func RunInboxPruner(ctx context.Context, conn *sql.DB, retention time.Duration, logger *slog.Logger) error {
	tick := time.NewTicker(InboxPruneInterval)
	defer tick.Stop()
	for {
		n, err := PruneInbox(ctx, conn, time.Now().Add(-retention), 10000)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.WarnContext(ctx, "pruning the inbox failed; will try again", "error", err)
		case n > 0:
			logger.InfoContext(ctx, "pruned the inbox", "rows", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// pruneInboxQuery deletes one batch; the ctid subquery bounds a statement's locks and WAL.
const pruneInboxQuery = `DELETE FROM inbox WHERE ctid IN (
	SELECT ctid FROM inbox WHERE processed_at < $1 LIMIT $2)`
