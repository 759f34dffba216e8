package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

// changeGen makes task changes as the application records them: a user creates a task, or
// changes the one it changed last (a new title and priority, done, or reopened), read back from
// its snapshot as the store loads it. Each change becomes its two messages (messages.TaskChange),
// keyed by the user id.
type changeGen struct {
	text   *textGen
	users  int
	topics messages.TaskTopics
	last   map[string]task.Snapshot
	now    time.Time
}

func newChangeGen(users int, topics messages.TaskTopics, seed uint64) *changeGen {
	return &changeGen{
		text: newTextGen(seed), users: users, topics: topics,
		last: make(map[string]task.Snapshot), now: time.Now().UTC().Add(-time.Hour),
	}
}

// next returns the messages of the next change: task-events, then task-updates.
func (g *changeGen) next() ([]envelope.Routed, error) {
	g.now = g.now.Add(time.Millisecond)
	user := g.text.User(g.users)
	c, err := g.change(user)
	if err != nil {
		return nil, err
	}
	g.last[user] = c.Task
	return messages.TaskChange(c, shared.EventMeta{CorrelationID: uuid.NewString()}, g.topics)
}

func (g *changeGen) change(user string) (task.Change, error) {
	prev, ok := g.last[user]
	if !ok || g.text.rnd.IntN(3) == 0 {
		t, err := task.New(uuid.Must(uuid.NewV7()).String(), shared.UserID(user), g.text.Title(), g.text.Description(),
			task.PriorityMedium, time.Time{}, g.now)
		if err != nil {
			return task.Change{}, err
		}
		return task.NewChange(task.ActionCreated, t), nil
	}
	t, err := task.Rehydrate(prev)
	if err != nil {
		return task.Change{}, err
	}
	action, err := g.edit(t)
	if err != nil {
		return task.Change{}, err
	}
	t.Touch(g.now)
	return task.NewChange(action, t), nil
}

// edit changes t the way a user would; every branch changes at least one field.
func (g *changeGen) edit(t *task.Task) (task.Action, error) {
	return editTask(t, func() bool { return g.text.rnd.IntN(2) == 0 }, g.text.Title)
}

// editTask reopens t if it is done, else completes it if complete says so, else renames it to
// title and moves its priority between high and the others; every branch changes at least one
// field. complete and title are asked only when needed.
func editTask(t *task.Task, complete func() bool, title func() string) (task.Action, error) {
	switch {
	case t.Status() == task.StatusDone:
		return task.ActionReopened, t.Reopen()
	case complete():
		return task.ActionCompleted, t.Complete()
	}
	p := task.PriorityHigh
	if t.Priority() == p {
		p = task.PriorityLow
	}
	return task.ActionUpdated, errors.Join(t.Rename(title()), t.Prioritize(p))
}

// commitOutbox writes msgs to the outbox in one transaction with the task store's own writer
// (watermill-sql's publisher on the transaction, wrapped by the Forwarder's).
func commitOutbox(ctx context.Context, db *sql.DB, msgs []envelope.Routed) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	w, err := outbox.NewWriter(outbox.Config{})
	if err != nil {
		return err
	}
	if err := w.Write(ctx, tx, msgs); err != nil {
		return fmt.Errorf("write the outbox: %w", err)
	}
	return tx.Commit()
}

// fillOutbox commits events outbox rows (events/2 changes), perTx changes per transaction, one
// transaction after the other, so the rows' offsets run from 1 to events in commit order. The
// task-events messages of a transaction go first, in one INSERT, then its task-updates: the rows
// are those the store writes, in fewer statements.
func fillOutbox(ctx context.Context, db *sql.DB, gen *changeGen, events int) error {
	const perTx = 500
	for done := 0; done < events; {
		k := min(perTx, (events-done)/2)
		msgs := make([]envelope.Routed, 2*k)
		for i := range k {
			m, err := gen.next()
			if err != nil {
				return err
			}
			msgs[i], msgs[k+i] = m[0], m[1]
		}
		if err := commitOutbox(ctx, db, msgs); err != nil {
			return err
		}
		done += 2 * k
	}
	return nil
}
