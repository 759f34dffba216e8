package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/schedule"
)

const reminderTopic = "notification.request"

// reminderConfig is what a test scheduler is made of: the store's configuration and the use
// case's. A zero window means an hour.
type reminderConfig struct {
	window    time.Duration
	lookback  time.Duration
	channels  []notification.Channel
	batchSize int
	store     postgres.ReminderStoreConfig
}

// newTestScheduler is one scheduler, as a worker process has it: the EmitDeadlineReminders use
// case on a ReminderStore.
func newTestScheduler(t *testing.T, conn *sql.DB, cfg reminderConfig) command.EmitDeadlineRemindersHandler {
	t.Helper()
	if cfg.window == 0 {
		cfg.window = time.Hour
	}
	if cfg.lookback == 0 {
		cfg.lookback = task.OverdueLookback
	}
	store, err := postgres.NewReminderStore(conn, cfg.store)
	if err != nil {
		t.Fatalf("NewReminderStore: %v", err)
	}
	policy, err := task.NewReminderPolicy(cfg.window, cfg.lookback)
	if err != nil {
		t.Fatal(err)
	}
	return command.NewEmitDeadlineRemindersHandler(store, command.DeadlineReminderConfig{
		Policy: policy, Channels: cfg.channels, BatchSize: cfg.batchSize,
	})
}

// addDueTask stores a task of user due at due (zero: no due time).
func addDueTask(t *testing.T, store *postgres.TaskStore, user shared.UserID, title string, due time.Time) *task.Task {
	t.Helper()
	tk, err := task.New(uuid.NewString(), user, title, "", task.PriorityMedium, due, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if added, err := store.Add(context.Background(), task.NewChange(task.ActionCreated, tk), taskMeta); err != nil || !added {
		t.Fatalf("Add = %v, %v", added, err)
	}
	return tk
}

// emittedReminders returns the notification requests in the outbox in the order a relay
// reads them, decoded with the consumers' strict decoder.
func emittedReminders(t *testing.T, conn *sql.DB) []notification.Requested {
	t.Helper()
	var out []notification.Requested
	for _, env := range outboxEnvelopes(t, conn) {
		msg := env.message()
		if msg.Metadata.Get(envelope.KeyType) != notification.EventRequested {
			continue
		}
		if env.DestinationTopic != reminderTopic {
			t.Errorf("a reminder is for topic %q", env.DestinationTopic)
		}
		var r notification.Requested
		if err := envelope.Decode(msg, notification.EventRequested, notification.EventRequestedVersion, &r); err != nil {
			t.Fatalf("reminder %s: %v", msg.UUID, err)
		}
		if msg.Metadata.Get(envelope.KeyPartitionKey) != r.UserID {
			t.Errorf("reminder %s is keyed %q, not by its user %q", r.ID, msg.Metadata.Get(envelope.KeyPartitionKey), r.UserID)
		}
		out = append(out, r)
	}
	return out
}

func mustRound(t *testing.T, s command.EmitDeadlineRemindersHandler, now time.Time, want int) {
	t.Helper()
	out, err := s.Handle(context.Background(), command.EmitDeadlineReminders{At: now})
	if err != nil || out.Emitted != want {
		t.Fatalf("round at %v = %d, %v; want %d", now, out.Emitted, err, want)
	}
}

// The reminder contract every command.ReminderClaimer keeps, each subtest on its own database.
func TestReminderStore(t *testing.T) {
	t.Parallel()
	contract.ReminderClaimer(t, func(t *testing.T) contract.Reminders {
		conn := pgtest.NewDB(t)
		store, err := postgres.NewReminderStore(conn, postgres.ReminderStoreConfig{})
		if err != nil {
			t.Fatal(err)
		}
		tasks := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
		return contract.Reminders{Tasks: tasks, Claimer: store, Emitted: func(t *testing.T) []notification.Requested {
			return emittedReminders(t, conn)
		}}
	})
}

// A task gets its due-soon reminder when it comes within the window and its overdue reminder
// when its due time passed, each once; a task overdue at its first look gets only the overdue
// one; tasks without a due time, done or deleted get none.
func TestRemindersDueSoonAndOverdueOnce(t *testing.T) {
	t.Parallel()
	ctx, conn := context.Background(), pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	s := newTestScheduler(t, conn, reminderConfig{window: time.Hour,
		channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail}})
	user := shared.UserID("reminder-user")
	now := time.Now().UTC().Truncate(time.Microsecond)

	soon := addDueTask(t, store, user, "Write the report", now.Add(30*time.Minute))
	late := addDueTask(t, store, user, "Pay the rent", now.Add(-10*time.Minute))
	later := addDueTask(t, store, user, "Plan the trip", now.Add(2*time.Hour))
	addDueTask(t, store, user, "Someday", time.Time{})
	done := addDueTask(t, store, user, "Done already", now.Add(10*time.Minute))
	mustChange(t, store, user, done.ID(), func(tk *task.Task) (*task.Change, error) {
		if err := tk.Complete(); err != nil {
			return nil, err
		}
		tk.Touch(time.Now())
		c := task.NewChange(task.ActionCompleted, tk)
		return &c, nil
	})
	gone := addDueTask(t, store, user, "Deleted", now.Add(10*time.Minute))
	mustChange(t, store, user, gone.ID(), func(tk *task.Task) (*task.Change, error) {
		c := task.Deletion(tk, time.Now())
		return &c, nil
	})

	mustRound(t, s, now, 2)
	mustRound(t, s, now, 0)
	mustRound(t, s, now.Add(time.Minute), 0)
	mustRound(t, s, now.Add(90*time.Minute), 2) // soon is overdue, later is due soon
	mustRound(t, s, now.Add(3*time.Hour), 1)    // later is overdue
	mustRound(t, s, now.Add(3*time.Hour), 0)

	type want struct {
		tk     *task.Task
		kind   string
		title  string
		phrase string
	}
	wants := []want{
		{late, notification.TypeTaskOverdue, "Task overdue: Pay the rent", "was due at"},
		{soon, notification.TypeTaskDueSoon, "Task due soon: Write the report", "is due at"},
		{soon, notification.TypeTaskOverdue, "Task overdue: Write the report", "was due at"},
		{later, notification.TypeTaskDueSoon, "Task due soon: Plan the trip", "is due at"},
		{later, notification.TypeTaskOverdue, "Task overdue: Plan the trip", "was due at"},
	}
	got := emittedReminders(t, conn)
	if len(got) != len(wants) {
		t.Fatalf("%d reminders emitted, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		r, due := got[i], dueOf(t, w.tk)
		if r.TaskID != w.tk.ID() || r.Type != w.kind || r.Title != w.title || r.UserID != string(user) {
			t.Errorf("reminder %d: %+v, want %s %s %q", i, r, w.tk.ID(), w.kind, w.title)
		}
		if r.ID != notification.ReminderID(w.tk.ID(), w.kind, due) {
			t.Errorf("reminder %d has id %s, not the one of its task, kind and due time", i, r.ID)
		}
		if wantMsg := w.phrase + " " + due.Format("2006-01-02 15:04 MST"); !strings.Contains(r.Message, wantMsg) {
			t.Errorf("reminder %d message %q lacks %q", i, r.Message, wantMsg)
		}
		if len(r.Channels) != 2 || r.Channels[0] != notification.ChannelInApp || r.Channels[1] != notification.ChannelEmail {
			t.Errorf("reminder %d channels %v", i, r.Channels)
		}
		if r.RequestedAt.IsZero() {
			t.Errorf("reminder %d has no requested_at", i)
		}
	}
	var rows int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM task_reminders").Scan(&rows); err != nil || rows != len(wants) {
		t.Errorf("task_reminders holds %d rows (%v), want %d", rows, err, len(wants))
	}
}

func dueOf(t *testing.T, tk *task.Task) time.Time {
	t.Helper()
	due, ok := tk.DueAt()
	if !ok {
		t.Fatalf("task %s has no due time", tk.ID())
	}
	return due
}

// A moved deadline reminds again, with another notification id; moving it back to a deadline
// that was reminded of does not.
func TestRemindersMovedDeadlineRemindsAgain(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	s := newTestScheduler(t, conn, reminderConfig{window: time.Hour})
	user := shared.UserID("moving-user")
	now := time.Now().UTC().Truncate(time.Microsecond)
	first, moved := now.Add(30*time.Minute), now.Add(45*time.Minute)
	tk := addDueTask(t, store, user, "Moving target", first)
	setDue := func(due time.Time) {
		mustChange(t, store, user, tk.ID(), func(tk *task.Task) (*task.Change, error) {
			if err := tk.SetDue(due); err != nil {
				return nil, err
			}
			tk.Touch(time.Now())
			c := task.NewChange(task.ActionUpdated, tk)
			return &c, nil
		})
	}

	mustRound(t, s, now, 1)
	setDue(moved)
	mustRound(t, s, now, 1)
	setDue(first)
	mustRound(t, s, now, 0)

	got := emittedReminders(t, conn)
	if len(got) != 2 || got[0].ID != notification.ReminderID(tk.ID(), notification.TypeTaskDueSoon, first) ||
		got[1].ID != notification.ReminderID(tk.ID(), notification.TypeTaskDueSoon, moved) || got[0].ID == got[1].ID {
		t.Errorf("reminders %+v, want one for each deadline", got)
	}
}

// Two schedulers (two worker processes) running rounds at once, in many goroutines, over many
// tasks, emit exactly one event per task, kind and due time: the insert of the reminder's key
// decides which one emits.
func TestRemindersConcurrentSchedulersEmitOnce(t *testing.T) {
	t.Parallel()
	ctx, conn := context.Background(), pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	schedulers := []command.EmitDeadlineRemindersHandler{
		newTestScheduler(t, conn, reminderConfig{window: time.Hour, batchSize: 7}),
		newTestScheduler(t, conn, reminderConfig{window: time.Hour, batchSize: 13}),
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	const tasks = 120
	for i := range tasks {
		due := now.Add(time.Duration(i%60) * time.Minute) // due soon at now
		if i%2 == 1 {
			due = now.Add(-time.Duration(i) * time.Minute) // overdue at now
		}
		addDueTask(t, store, shared.UserID(fmt.Sprintf("user-%d", i%5)), fmt.Sprintf("task %d", i), due)
	}

	// Every goroutine runs rounds at now and then at a time when every task is overdue.
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		emitted int
	)
	for g := range 8 {
		wg.Go(func() {
			for _, at := range []time.Time{now, now, now.Add(2 * time.Hour), now.Add(2 * time.Hour)} {
				out, err := schedulers[g%2].Handle(ctx, command.EmitDeadlineReminders{At: at})
				if err != nil {
					t.Errorf("goroutine %d: round: %v", g, err)
					return
				}
				mu.Lock()
				emitted += out.Emitted
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	// The due-soon tasks later get their overdue reminder too; the overdue ones get only that.
	wantCount := tasks/2*2 + tasks/2
	perKey := map[string]int{}
	for _, r := range emittedReminders(t, conn) {
		perKey[r.TaskID+" "+r.Type]++
	}
	rows := countOutboxRows(t, conn, notification.EventRequested)
	if rows != wantCount || len(perKey) != wantCount || emitted != wantCount {
		t.Errorf("%d outbox rows, %d distinct reminders, %d reported emitted; want %d each", rows, len(perKey), emitted, wantCount)
	}
	for key, n := range perKey {
		if n != 1 {
			t.Errorf("reminder %s emitted %d times", key, n)
		}
	}
}

// countOutboxRows counts the rows of watermill_outbox whose envelope carries an event of type.
func countOutboxRows(t *testing.T, conn *sql.DB, eventType string) int {
	t.Helper()
	var n int
	err := conn.QueryRowContext(context.Background(),
		`SELECT count(*) FROM watermill_outbox WHERE (payload::jsonb -> 'metadata' ->> 'ce_type') = $1`, eventType).Scan(&n)
	if err != nil {
		t.Fatalf("count outbox rows: %v", err)
	}
	return n
}

// Run on the schedule port, a scheduler emits at once and at every interval until its context
// ends; one whose window is 0 emits nothing and returns when its context ends.
func TestRemindersRun(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	user := shared.UserID("run-user")
	addDueTask(t, store, user, "First", time.Now().Add(10*time.Minute))

	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	off, err := postgres.NewReminderStore(conn, postgres.ReminderStoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	offJob := schedule.NewDeadlineReminders(command.NewEmitDeadlineRemindersHandler(off, command.DeadlineReminderConfig{}), logger)
	on := schedule.NewDeadlineReminders(newTestScheduler(t, conn, reminderConfig{window: time.Hour}), logger)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	run := func(job schedule.Job, interval time.Duration) {
		done <- schedule.Run(ctx, job, schedule.Config{Name: schedule.DeadlineRemindersName, Interval: interval, Logger: logger})
	}
	go run(offJob.Run, 10*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	if n := countOutboxRows(t, conn, notification.EventRequested); n != 0 {
		t.Fatalf("the scheduler with window 0 emitted %d reminders", n)
	}
	go run(on.Run, 50*time.Millisecond)
	waitForRows(t, conn, 1)
	addDueTask(t, store, user, "Second", time.Now().Add(-time.Minute))
	waitForRows(t, conn, 2)
	cancel()
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
	}
}

func waitForRows(t *testing.T, conn *sql.DB, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for countOutboxRows(t, conn, notification.EventRequested) != want {
		if time.Now().After(deadline) {
			t.Fatalf("the outbox did not reach %d reminders", want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A configuration that cannot work is refused: a negative window by the policy, an unknown
// channel by the use case, a bad topic or no pool by the store.
func TestNewReminderStoreValidates(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	if _, err := task.NewReminderPolicy(-time.Minute, task.OverdueLookback); err == nil {
		t.Error("a negative window was accepted")
	}
	if err := (command.DeadlineReminderConfig{Channels: []notification.Channel{"pigeon"}}).Validate(); err == nil {
		t.Error("an unknown channel was accepted")
	}
	if _, err := postgres.NewReminderStore(conn, postgres.ReminderStoreConfig{Topic: "bad topic"}); err == nil {
		t.Error("a bad topic was accepted")
	}
	if _, err := postgres.NewReminderStore(nil, postgres.ReminderStoreConfig{}); err == nil {
		t.Error("a nil pool was accepted")
	}
}

// In direct mode (BROKER=postgres) a reminder goes to the topic table of notification.request,
// where a watermill-sql subscriber reads it; nothing goes to the outbox.
func TestRemindersDirectModeWritesTheTopicTable(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sub := directSubscriber(t, conn, "notification-service")
	if err := sub.SubscribeInitialize(reminderTopic); err != nil {
		t.Fatal(err)
	}
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	tk := addDueTask(t, store, "direct-user", "Direct", time.Now().Add(-time.Minute))
	s := newTestScheduler(t, conn, reminderConfig{store: postgres.ReminderStoreConfig{Outbox: outbox.Config{Mode: outbox.Direct}}})
	mustRound(t, s, time.Now(), 1)

	if n := countOutboxRows(t, conn, notification.EventRequested); n != 0 {
		t.Errorf("direct mode wrote %d reminders to the outbox", n)
	}
	msgs, err := sub.Subscribe(ctx, reminderTopic)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-msgs:
		msg.Ack()
		var r notification.Requested
		if err := envelope.Decode(msg, notification.EventRequested, notification.EventRequestedVersion, &r); err != nil || r.TaskID != tk.ID() || r.Type != notification.TypeTaskOverdue {
			t.Errorf("received %+v, %v; want the overdue reminder of %s", r, err, tk.ID())
		}
	case <-ctx.Done():
		t.Fatal("the reminder did not arrive")
	}
}

// A task with the longest title a task may have still gets reminders a notification takes: the
// title is shortened to fit behind the reminder's prefix, so notification.New accepts them.
func TestRemindersOfALongTitleFitANotification(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	s := newTestScheduler(t, conn, reminderConfig{window: time.Hour})
	now := time.Now().UTC().Truncate(time.Microsecond)
	title := strings.Repeat("ü", 200)
	addDueTask(t, store, "long-title-user", title, now.Add(30*time.Minute))
	addDueTask(t, store, "long-title-user", title, now.Add(-time.Hour))
	mustRound(t, s, now, 2)
	got := emittedReminders(t, conn)
	if len(got) != 2 {
		t.Fatalf("%d reminders, want 2", len(got))
	}
	for _, r := range got {
		if _, err := notification.New(r, now); err != nil {
			t.Errorf("reminder %q: the notification-service would park it: %v", r.Title, err)
		}
		if !strings.HasSuffix(r.Title, "…") || utf8.RuneCountInString(r.Title) != notification.MaxTitleRunes {
			t.Errorf("title %q (%d characters) is not shortened to %d", r.Title, utf8.RuneCountInString(r.Title), notification.MaxTitleRunes)
		}
	}
}

// A task overdue for longer than the look-back is not looked at: each round reads the tasks
// due around now, not every task ever left overdue.
func TestRemindersSkipTasksOverdueBeyondTheLookback(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	s := newTestScheduler(t, conn, reminderConfig{window: time.Hour, lookback: 24 * time.Hour})
	now := time.Now().UTC().Truncate(time.Microsecond)
	addDueTask(t, store, "lookback-user", "Long forgotten", now.Add(-25*time.Hour))
	recent := addDueTask(t, store, "lookback-user", "Missed yesterday", now.Add(-23*time.Hour))
	mustRound(t, s, now, 1)
	if got := emittedReminders(t, conn); len(got) != 1 || got[0].TaskID != recent.ID() || got[0].Type != notification.TypeTaskOverdue {
		t.Errorf("reminders %+v, want the overdue one of %s only", got, recent.ID())
	}
}
