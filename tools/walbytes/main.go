// Command walbytes measures how many bytes of PostgreSQL's write-ahead log one task change costs
// along its whole path: the change's transaction (TaskStore.Change: the task row and its two
// outbox rows), the relay's rounds that forward and delete those rows (to a publisher that
// discards them, so no broker is needed), and the audit consumer's transaction per task event (a
// history row and an inbox row). docs/scaling.md uses its figures for where one primary ends.
//
// It reads pg_current_wal_lsn() before and after each phase. The log is the server's, so other
// databases' writes during a phase are counted too: each phase is repeated, an idle interval as
// long as the change phase is measured beside it, and the smallest figure is the honest one.
// Full-page images follow each checkpoint, so a phase that straddles one costs more.
//
//	go run ./tools/walbytes -database-url "$DATABASE_URL" -changes 2000 -rounds 3
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
)

func main() {
	dbURL := flag.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL server (a scratch database is created on it and dropped)")
	changes := flag.Int("changes", 2000, "task changes per round")
	tasks := flag.Int("tasks", 1000, "tasks the changes are spread over")
	rounds := flag.Int("rounds", 3, "rounds of every phase")
	flag.Parse()
	if err := run(context.Background(), *dbURL, *tasks, *changes, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "walbytes:", err)
		os.Exit(1)
	}
}

// discard is a relay publisher that keeps nothing: the relay's own SQL is what is measured.
type discard struct{}

func (discard) PublishBatch(context.Context, []envelope.Routed) error { return nil }

// probe holds the stores a round drives and the tasks it changes.
type probe struct {
	db    *sql.DB
	store *postgres.TaskStore
	relay *outbox.Relay
	audit *postgres.AuditLog
	ids   []string
	users []shared.UserID
}

func run(ctx context.Context, dbURL string, nTasks, nChanges, rounds int) error {
	db, drop, err := scratch(ctx, dbURL)
	if err != nil {
		return err
	}
	defer drop()
	p := &probe{db: db}
	if p.store, err = postgres.NewTaskStore(db, postgres.TaskStoreConfig{Topics: messages.TaskTopics{Events: "task-events", Updates: "task-updates"}}); err != nil {
		return err
	}
	if p.relay, err = outbox.NewRelay(db, outbox.RelayConfig{Publisher: discard{}, PoisonTopic: "poison", Logger: slog.New(slog.DiscardHandler)}); err != nil {
		return err
	}
	if p.audit, err = postgres.NewAuditLog(db, "audit-service"); err != nil {
		return err
	}
	if err := p.addTasks(ctx, nTasks); err != nil {
		return err
	}
	fmt.Printf("%d tasks; per round %d changes (one writer, one transaction each)\n", nTasks, nChanges)
	fmt.Println("round\tchange tx B/change\trelay B/change\taudit B/change\tidle B/change\tchange tx/s")
	for r := range rounds {
		if err := p.round(ctx, r, nChanges); err != nil {
			return err
		}
	}
	if err := todos(ctx, db, rounds); err != nil {
		return err
	}
	return sizes(ctx, db)
}

// addTasks creates the tasks the rounds change, and forwards their creation events.
func (p *probe) addTasks(ctx context.Context, n int) error {
	now := time.Now().UTC()
	for i := range n {
		t, err := task.New(uuid.Must(uuid.NewV7()).String(), shared.UserID(fmt.Sprintf("user-%04d", i%100)),
			fmt.Sprintf("Write the quarterly report, part %d", i), "Collect the figures and send the draft to the team.",
			task.PriorityMedium, time.Time{}, now)
		if err != nil {
			return err
		}
		if _, err := p.store.Add(ctx, task.NewChange(task.ActionCreated, t), shared.EventMeta{CorrelationID: uuid.NewString()}); err != nil {
			return err
		}
		p.ids, p.users = append(p.ids, t.ID()), append(p.users, t.UserID())
	}
	return drain(ctx, p.relay)
}

// round measures n changes, the relay's rounds that forward them, the audit of their task
// events, and an idle interval as long as the changes took.
func (p *probe) round(ctx context.Context, r, n int) error {
	entries := make([]task.AuditEntry, 0, n)
	start, began := lsn(ctx, p.db), time.Now()
	for i := range n {
		k := (r*n + i) % len(p.ids)
		err := p.store.Change(ctx, p.users[k], p.ids[k], shared.EventMeta{CorrelationID: uuid.NewString()},
			func(t *task.Task) (*task.Change, error) {
				action, err := edit(t, i)
				if err != nil {
					return nil, err
				}
				t.Touch(time.Now())
				c := task.NewChange(action, t)
				entries = append(entries, task.AuditEntry{EventID: uuid.NewString(), Action: c.Action, Task: c.Task, At: time.Now()})
				return &c, nil
			})
		if err != nil {
			return err
		}
	}
	took := time.Since(began)
	changed := lsn(ctx, p.db)
	if r == 0 {
		if err := outboxRow(ctx, p.db); err != nil {
			return err
		}
	}
	if err := drain(ctx, p.relay); err != nil {
		return err
	}
	relayed := lsn(ctx, p.db)
	for _, e := range entries {
		if _, err := p.audit.Record(ctx, e); err != nil {
			return err
		}
	}
	audited := lsn(ctx, p.db)
	time.Sleep(took)
	idle := lsn(ctx, p.db)
	per := func(a, b int64) int64 { return (b - a) / int64(n) }
	fmt.Printf("%d\t%d\t%d\t%d\t%d\t%.0f\n", r+1, per(start, changed), per(changed, relayed), per(relayed, audited),
		per(audited, idle), float64(n)/took.Seconds())
	return nil
}

// edit alternates a rename with a priority change, a completion and a reopening: the bench's mix.
func edit(t *task.Task, i int) (task.Action, error) {
	switch {
	case t.Status() == task.StatusDone:
		return task.ActionReopened, t.Reopen()
	case i%3 == 0:
		return task.ActionCompleted, t.Complete()
	}
	p := task.PriorityHigh
	if t.Priority() == p {
		p = task.PriorityLow
	}
	return task.ActionUpdated, errors.Join(t.Rename(fmt.Sprintf("Write the quarterly report, take %d", i)), t.Prioritize(p))
}

func drain(ctx context.Context, relay *outbox.Relay) error {
	for {
		n, err := relay.Round(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

func lsn(ctx context.Context, db *sql.DB) int64 {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn").Scan(&n); err != nil {
		panic(err)
	}
	return n
}

// todos measures the to-do ingest's statement (TodoRepository.AddBatch: a COPY of a batch of
// 5,000, the worker's TODO_BATCH_MAX_RECORDS) per stored to-do.
func todos(ctx context.Context, db *sql.DB, rounds int) error {
	const batch, batches = 5000, 4
	repo := postgres.NewTodoRepository(db)
	fmt.Printf("to-dos: per round %d batches of %d (AddBatch, the worker's COPY)\n", batches, batch)
	fmt.Println("round\tingest B/to-do\tidle B/to-do")
	for r := range rounds {
		start, began := lsn(ctx, db), time.Now()
		for b := range batches {
			list := make([]*todo.Todo, batch)
			for i := range list {
				t, err := todo.New(uuid.Must(uuid.NewV7()).String(), shared.UserID(fmt.Sprintf("user-%04d", (b*batch+i)%1000)),
					fmt.Sprintf("Buy milk and bread, list %d", i), "From the shop on the corner, before six.", time.Now().UTC())
				if err != nil {
					return err
				}
				list[i] = t
			}
			if _, err := repo.AddBatch(ctx, list); err != nil {
				return err
			}
		}
		took := time.Since(began)
		stored := lsn(ctx, db)
		time.Sleep(took)
		idle := lsn(ctx, db)
		n := int64(batch * batches)
		fmt.Printf("%d\t%d\t%d\n", r+1, (stored-start)/n, (idle-stored)/n)
	}
	return nil
}

// sizes prints the stored rows' average sizes, the inputs of the estimate in docs/scaling.md.
func sizes(ctx context.Context, db *sql.DB) error {
	fmt.Println("table\trows\tavg row bytes (pg_column_size)\theap+index bytes per row")
	for _, tbl := range []string{"tasks", "task_audit", "inbox", "todos"} {
		var rows int64
		var avg, total float64
		q := fmt.Sprintf(`SELECT count(*), coalesce(avg(pg_column_size(t.*)),0), pg_total_relation_size('%s')::float8 / greatest(count(*),1) FROM %s t`, tbl, tbl)
		if err := db.QueryRowContext(ctx, q).Scan(&rows, &avg, &total); err != nil {
			return err
		}
		fmt.Printf("%s\t%d\t%.0f\t%.0f\n", tbl, rows, avg, total)
	}
	return nil
}

// outboxRow prints the average size of the outbox rows waiting, before the relay deletes them.
func outboxRow(ctx context.Context, db *sql.DB) error {
	var rows int64
	var avg, payload float64
	err := db.QueryRowContext(ctx, `SELECT count(*), avg(pg_column_size(o.*)), avg(octet_length(payload::text) + octet_length(metadata::text))
		FROM "watermill_outbox" o`).Scan(&rows, &avg, &payload)
	if err == nil {
		fmt.Printf("outbox: %d rows waiting, avg row %.0f bytes (payload and metadata %.0f)\n", rows, avg, payload)
	}
	return err
}

// scratch creates walbytes_<random> on the server, migrates it, and returns a pool on it and
// the function that drops it.
func scratch(ctx context.Context, dbURL string) (*sql.DB, func(), error) {
	admin, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return nil, nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "walbytes_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, err
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, nil, err
	}
	u.Path = "/" + name
	db, err := postgres.Open(ctx, u.String())
	drop := func() {
		if db != nil {
			_ = db.Close()
		}
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = admin.Close()
	}
	if err != nil {
		drop()
		return nil, nil, err
	}
	if err := postgres.Migrate(ctx, db); err != nil {
		drop()
		return nil, nil, err
	}
	return db, drop, nil
}
