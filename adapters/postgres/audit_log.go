package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/task"
)

// AuditLog is a task.AuditLog on PostgreSQL: the tasks' history (table task_audit), applied
// once per event through the inbox of its consumer group. TaskStore.History reads it. It is
// safe for concurrent use.
type AuditLog struct {
	db    *sql.DB
	q     *db.Queries
	group string
}

var _ task.AuditLog = (*AuditLog)(nil)

// NewAuditLog returns the audit log of the consumer group that records task events (the
// audit-service group), on conn, a pool opened with Open.
func NewAuditLog(conn *sql.DB, consumerGroup string) (*AuditLog, error) {
	if conn == nil {
		return nil, errors.New("postgres: nil *sql.DB for AuditLog")
	}
	if consumerGroup == "" {
		return nil, errors.New("postgres: AuditLog needs the name of its consumer group")
	}
	return &AuditLog{db: conn, q: db.New(conn), group: consumerGroup}, nil
}

// Record appends e to its task's history in one transaction with the inbox row of its event.
// It reports false, writing nothing, when the group recorded the event before.
func (l *AuditLog) Record(ctx context.Context, e task.AuditEntry) (bool, error) {
	params, err := toDBAudit(e)
	if err != nil {
		return false, err
	}
	var inserted bool
	_, err = processOnce(ctx, l.db, l.group, e.EventID, func(ctx context.Context, tx *sql.Tx) error {
		// The event id is the key of the history too: an event that another path already
		// recorded (the inbox of a renamed group, say) is not recorded twice.
		n, err := l.q.WithTx(tx).InsertTaskAudit(ctx, params)
		if err != nil {
			return dbError("insert task audit", err)
		}
		inserted = n == 1
		return nil
	})
	return inserted, err
}
