package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// TaskStoreConfig configures a TaskStore. The zero value is the default.
type TaskStoreConfig struct {
	// Topics names the destination topics of task events. Defaults to "task-events" and
	// "task-updates".
	Topics messages.TaskTopics
	// Outbox says how the events are written. The zero value writes Forwarder envelopes to the
	// table watermill_outbox, for the relay.
	Outbox outbox.Config
}

func (c *TaskStoreConfig) setDefaults() {
	if c.Topics.Events == "" {
		c.Topics.Events = "task-events"
	}
	if c.Topics.Updates == "" {
		c.Topics.Updates = "task-updates"
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c TaskStoreConfig) Validate() error {
	return errors.Join(
		pgpubsub.ValidateTopic("task events topic", c.Topics.Events),
		pgpubsub.ValidateTopic("task updates topic", c.Topics.Updates),
		c.Outbox.Validate(),
	)
}

// TaskStore is the task.Repository and query.TaskReader on PostgreSQL (tables tasks and
// task_tombstones; history from task_audit, which AuditLog writes). It writes every change and
// its two events in one transaction: the events go to the outbox (outbox.Config). Changes of one
// task are serialized by a row lock, so their events are in the outbox in the order of the
// changes. Deleted tasks leave a tombstone, so their id is never used again. It is safe for
// concurrent use.
type TaskStore struct {
	db     *sql.DB
	q      *db.Queries
	topics messages.TaskTopics
	outbox eventWriter
}

var (
	_ task.Repository  = (*TaskStore)(nil)
	_ query.TaskReader = (*TaskStore)(nil)
)

// NewTaskStore returns a store on conn, a pool opened with Open.
func NewTaskStore(conn *sql.DB, cfg TaskStoreConfig) (*TaskStore, error) {
	if conn == nil {
		return nil, errors.New("postgres: nil *sql.DB for TaskStore")
	}
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("postgres: task store: %w", err)
	}
	w, err := newEventWriter(cfg.Outbox)
	if err != nil {
		return nil, err
	}
	return &TaskStore{db: conn, q: db.New(conn), topics: cfg.Topics, outbox: w}, nil
}

// Add stores the created task and its events. It reports false, writing nothing, when the id
// exists or belonged to a task that was deleted.
func (s *TaskStore) Add(ctx context.Context, c task.Change, meta shared.EventMeta) (bool, error) {
	c = stored(c)
	row, err := toDBTask(c.Task)
	if err != nil {
		return false, err
	}
	msgs, err := messages.TaskChange(c, meta, s.topics)
	if err != nil {
		return false, err
	}
	ctx, span := startTx(ctx, "INSERT tasks", "tasks")
	defer span.End()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, dbError("begin add task", err)
	}
	defer func() { _ = tx.Rollback() }()

	q := s.q.WithTx(tx)
	n, err := q.InsertTask(ctx, db.InsertTaskParams(row))
	if err != nil || n == 0 {
		return false, wrapIf(err, "insert task")
	}
	// The tombstone check is a statement of its own so that it sees a deletion of this id that
	// committed while the insert waited for it; inside the insert, its snapshot would not.
	gone, err := q.IsTaskTombstoned(ctx, row.ID)
	if err != nil || gone {
		return false, wrapIf(err, "check task tombstone") // the rollback takes the insert back
	}
	if err := s.outbox.write(ctx, tx, msgs); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, commitError("commit add task", err)
	}
	return true, nil
}

// Change locks the user's task (SELECT ... FOR UPDATE), calls decide with it, and stores the
// change decide returns with its events before the lock is released. decide's errors are
// returned as they are, and nothing is written then; nor when it returns no change.
//
// The changes of one task first take turns on an advisory lock (LockTaskChanges in
// queries/tasks.sql), so that their transaction ids, by which relays order the outbox, follow
// the order of the changes.
func (s *TaskStore) Change(ctx context.Context, userID shared.UserID, id string, meta shared.EventMeta,
	decide func(*task.Task) (*task.Change, error),
) error {
	uid, ok := parseID(id)
	if !ok {
		return shared.NotFound("task")
	}
	ctx, span := startTx(ctx, "UPDATE tasks", "tasks")
	defer span.End()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError("begin change task", err)
	}
	defer func() { _ = tx.Rollback() }()

	q := s.q.WithTx(tx)
	if err := q.LockTaskChanges(ctx, uid); err != nil {
		return dbError("lock task changes", err)
	}
	locked, err := q.GetTaskForUpdate(ctx, db.GetTaskForUpdateParams{UserID: string(userID), ID: uid})
	if err != nil {
		return taskError("lock task", err)
	}
	t, err := toDomainTask(locked)
	if err != nil {
		return err
	}
	c, err := decide(t)
	if err != nil || c == nil {
		return err
	}
	if err := s.apply(ctx, tx, locked, stored(*c), meta); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return commitError("commit task change", err)
	}
	return nil
}

// apply writes c, a change of the locked task, and its events in tx.
func (s *TaskStore) apply(ctx context.Context, tx *sql.Tx, locked db.Task, c task.Change, meta shared.EventMeta) error {
	if c.Task.ID != locked.ID.String() || c.Task.UserID != locked.UserID {
		return fmt.Errorf("postgres: a change of task %s names task %s of user %q", locked.ID, c.Task.ID, c.Task.UserID)
	}
	msgs, err := messages.TaskChange(c, meta, s.topics)
	if err != nil {
		return err
	}
	q := s.q.WithTx(tx)
	if c.Action == task.ActionDeleted {
		if _, err := q.DeleteTask(ctx, db.DeleteTaskParams{UserID: locked.UserID, ID: locked.ID}); err != nil {
			return dbError("delete task", err)
		}
		err = q.InsertTaskTombstone(ctx, db.InsertTaskTombstoneParams{ID: locked.ID, DeletedAt: c.Task.UpdatedAt})
		if err != nil {
			return dbError("insert task tombstone", err)
		}
	} else {
		row, err := toDBTask(c.Task)
		if err != nil {
			return err
		}
		if _, err := q.UpdateTask(ctx, toDBUpdateTask(row)); err != nil {
			return dbError("update task", err)
		}
	}
	return s.outbox.write(ctx, tx, msgs)
}

// wrapIf maps err like dbError, and leaves nil as it is.
func wrapIf(err error, op string) error {
	if err == nil {
		return nil
	}
	return dbError(op, err)
}
