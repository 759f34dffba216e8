package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

func TestTaskStore(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	// One database for the whole suite: every subtest uses its own user ids.
	store := newTestTaskStore(t, pgtest.NewDB(t), postgres.TaskStoreConfig{})
	contract.TaskStore(t, func(*testing.T) contract.Tasks { return store })
}

func TestAuditLog(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	conn := pgtest.NewDB(t)
	log := newTestAuditLog(t, conn, "audit-service")
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	contract.AuditLog(t, func(*testing.T) (task.AuditLog, contract.AuditHistory) { return log, store })
}

func newTestAuditLog(t *testing.T, conn *sql.DB, group string) *postgres.AuditLog {
	t.Helper()
	log, err := postgres.NewAuditLog(conn, group)
	if err != nil {
		t.Fatalf("NewAuditLog: %v", err)
	}
	return log
}

// An event is in the history once, whichever group's inbox it passed.
func TestAuditLogKeepsAnEventOnceAcrossGroups(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	ctx := context.Background()
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	tk := addTestTask(t, store, "audited", "audited")
	e := task.AuditEntry{EventID: uuid.NewString(), Action: task.ActionCreated, Task: tk.Snapshot(), At: tk.UpdatedAt()}

	for _, group := range []string{"audit-service", "audit-service-v2"} {
		recorded, err := newTestAuditLog(t, conn, group).Record(ctx, e)
		if err != nil || recorded != (group == "audit-service") {
			t.Errorf("Record by %s = %v, %v", group, recorded, err)
		}
	}
	if entries, err := store.History(ctx, "audited", tk.ID()); err != nil || len(entries) != 1 {
		t.Errorf("History = %d entries, %v; want 1", len(entries), err)
	}
}

func TestTaskStoreConfigIsValidated(t *testing.T) {
	t.Parallel()
	conn, err := sql.Open("pgx", "postgres://u@127.0.0.1:1/db") // never connects
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })

	if _, err := postgres.NewTaskStore(nil, postgres.TaskStoreConfig{}); err == nil {
		t.Error("NewTaskStore(nil) succeeded")
	}
	if _, err := postgres.NewTaskStore(conn, postgres.TaskStoreConfig{}); err != nil {
		t.Errorf("the zero config is refused: %v", err)
	}
	bad := postgres.TaskStoreConfig{
		Topics: messages.TaskTopics{Events: "task events", Updates: `x"; DROP TABLE tasks; --`},
		Outbox: outbox.Config{Mode: "sideways", ForwarderTopic: "out box"},
	}
	_, err = postgres.NewTaskStore(conn, bad)
	for _, want := range []string{"task events topic", "task updates topic", `mode "sideways"`, "forwarder topic"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}

	if _, err := postgres.NewAuditLog(nil, "audit-service"); err == nil {
		t.Error("NewAuditLog(nil) succeeded")
	}
	if _, err := postgres.NewAuditLog(conn, ""); err == nil {
		t.Error("NewAuditLog without a consumer group succeeded")
	}
}

// An unreachable database is unavailable (503 at the API) for every task operation.
func TestTaskStoreUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	conn, err := sql.Open("pgx", "postgres://u:p@"+closedAddr(t)+"/db?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	log := newTestAuditLog(t, conn, "audit-service")
	ctx, id := context.Background(), uuid.NewString()
	tk, err := task.New(id, "u1", "t", "", task.PriorityLow, time.Time{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	_, err = store.Add(ctx, task.NewChange(task.ActionCreated, tk), taskMeta)
	assertKind(t, "Add", err, shared.KindUnavailable)
	_, err = store.Get(ctx, "u1", id)
	assertKind(t, "Get", err, shared.KindUnavailable)
	_, err = store.List(ctx, task.ListQuery{UserID: "u1", Limit: 10})
	assertKind(t, "List", err, shared.KindUnavailable)
	assertKind(t, "Change", store.Change(ctx, "u1", id, taskMeta, rename("x")), shared.KindUnavailable)
	_, err = store.History(ctx, "u1", id)
	assertKind(t, "History", err, shared.KindUnavailable)
	_, err = log.Record(ctx, task.AuditEntry{EventID: uuid.NewString(), Action: task.ActionCreated, Task: tk.Snapshot(), At: tk.UpdatedAt()})
	assertKind(t, "Record", err, shared.KindUnavailable)
}
