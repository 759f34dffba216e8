package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// latencyTasks is the number of tasks the latency's changes are spread over: few enough that a
// task changes about once a second, many enough that two of the writers rarely wait for the same
// task's lock.
const latencyTasks = 1000

// storeWriter commits the latency's changes through the task store, as the API does: a pool of
// tasks created first (outside the measurement), then each change is TaskStore.Change on one of
// them with a real edit (rename and reprioritize, complete, or reopen), so every transaction
// locks, reads and updates the task row and writes the change's two outbox rows.
type storeWriter struct {
	store *postgres.TaskStore
	tasks []poolTask
	// traced commits each change within a sampled trace of its own (relay_tracing.go).
	traced bool
}

type poolTask struct {
	id   string
	user shared.UserID
}

// plannedChange is a change of the latency run, drawn before the run so that the writers only
// commit: the task it changes, and the edit if the task is open (complete it, or rename it).
type plannedChange struct {
	task     int
	complete bool
	title    string
}

// committedChange is what a writer learnt of a committed change: the task and its version after
// the change, by which its two events are found in Kafka (eventKey).
type committedChange struct {
	task    string
	version int64
}

// newStoreWriter creates the pool of tasks with TaskStore.Add, 16 at a time. Their events go to
// the outbox like any other; measureLatency waits for them before it starts the clock.
func newStoreWriter(ctx context.Context, db *sql.DB, topics messages.TaskTopics, users int, seed uint64) (*storeWriter, error) {
	store, err := postgres.NewTaskStore(db, postgres.TaskStoreConfig{Topics: topics})
	if err != nil {
		return nil, err
	}
	text := newTextGen(seed)
	now := time.Now().UTC()
	changes := make([]task.Change, latencyTasks)
	w := &storeWriter{store: store, tasks: make([]poolTask, latencyTasks)}
	for i := range changes {
		t, err := task.New(uuid.Must(uuid.NewV7()).String(), shared.UserID(text.User(users)), text.Title(), text.Description(),
			task.PriorityMedium, time.Time{}, now)
		if err != nil {
			return nil, err
		}
		changes[i] = task.NewChange(task.ActionCreated, t)
		w.tasks[i] = poolTask{id: t.ID(), user: t.UserID()}
	}
	jobs := make(chan int)
	errs := make([]error, latencyWriters)
	var wg sync.WaitGroup
	for k := range latencyWriters {
		wg.Go(func() {
			for i := range jobs {
				if errs[k] != nil {
					continue
				}
				ok, err := store.Add(ctx, changes[i], shared.EventMeta{CorrelationID: uuid.NewString()})
				if err == nil && !ok {
					err = errors.New("the id exists")
				}
				if err != nil {
					errs[k] = fmt.Errorf("add task %s: %w", changes[i].Task.ID, err)
				}
			}
		})
	}
	for i := range changes {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return w, errors.Join(errs...)
}

// poolEvents is the number of events the pool's creation wrote to the outbox.
func (w *storeWriter) poolEvents() int64 { return 2 * int64(len(w.tasks)) }

// plan draws n changes of the pool's tasks.
func (w *storeWriter) plan(n int, seed uint64) []plannedChange {
	text := newTextGen(seed)
	out := make([]plannedChange, n)
	for i := range out {
		out[i] = plannedChange{task: text.rnd.IntN(len(w.tasks)), complete: text.rnd.IntN(2) == 0, title: text.Title()}
	}
	return out
}

// commit applies c with TaskStore.Change, the way the application's commands do (changeTask
// in application/command/update_task.go): edit the locked task, touch it, return the change.
func (w *storeWriter) commit(ctx context.Context, c plannedChange) (committedChange, error) {
	pt := w.tasks[c.task]
	var done committedChange
	if w.traced {
		ctx = withSampledTrace(ctx)
	}
	err := w.store.Change(ctx, pt.user, pt.id, shared.EventMeta{CorrelationID: uuid.NewString()},
		func(t *task.Task) (*task.Change, error) {
			action, err := editTask(t, func() bool { return c.complete }, func() string { return c.title })
			if err != nil {
				return nil, err
			}
			if !t.Touch(time.Now()) {
				return nil, fmt.Errorf("the %s of task %s changed nothing", action, t.ID())
			}
			ch := task.NewChange(action, t)
			done = committedChange{task: t.ID(), version: t.Version()}
			return &ch, nil
		})
	return done, err
}
