package di_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
)

// load reads the configuration from env alone.
func load(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// workerNames lists the names of svc's workers.
func workerNames(svc *di.Service) []string {
	names := make([]string, len(svc.Workers))
	for i, w := range svc.Workers {
		names[i] = w.Name
	}
	return names
}

// The embedded default assembles without any service, runs every part but the relay (no
// outbox without a database) and answers on every operator route.
func TestEmbeddedAssemblesEveryPartInMemory(t *testing.T) {
	t.Parallel()
	cfg := load(t, map[string]string{"AUTH_JWT_SECRET": strings.Repeat("x", 32)})
	svc, cleanup, err := di.New(t.Context(), "all", cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	want := "todo-ingest task-audit result-calculator test-analytics notification-service notification-test-results " +
		"task-reminders websocket-task-updates websocket-notifications"
	if got := strings.Join(workerNames(svc), " "); got != want || svc.Hub == nil {
		t.Errorf("embedded service: workers %s, hub %v; want %s and a hub", got, svc.Hub, want)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		rec := httptest.NewRecorder()
		svc.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, rec.Code)
		}
	}
}

// Each process of a split deployment gets its own parts: the API its live updates, the worker
// the consumers and the upkeep, the relay the relay; none of them the others'.
func TestEachProcessAssemblesItsOwnParts(t *testing.T) {
	t.Parallel()
	env := map[string]string{"AUTH_JWT_SECRET": strings.Repeat("x", 32), "DATABASE_URL": pgtest.URL(t), "BROKER": "gochannel"}
	cfg := load(t, env)
	cases := map[string]string{
		"api":    "websocket-task-updates websocket-notifications",
		"worker": "todo-ingest task-audit result-calculator test-analytics notification-service notification-test-results task-reminders inbox-pruner",
		"relay":  "outbox-relay",
	}
	for part, want := range cases {
		svc, cleanup, err := di.New(t.Context(), part, cfg, quietLogger())
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		if got := strings.Join(workerNames(svc), " "); got != want {
			t.Errorf("%s runs %s, want %s", part, got, want)
		}
		if (svc.Hub != nil) != (part == "api") {
			t.Errorf("%s: hub %v", part, svc.Hub)
		}
		rec := httptest.NewRecorder()
		svc.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/todos", nil))
		if api := rec.Code != http.StatusNotFound; api != (part == "api") {
			t.Errorf("%s answers GET /v1/todos with %d", part, rec.Code)
		}
		cleanup()
	}
}

// Only the processes that serve the API need the identity provider: with AUTH_JWKS_URL naming an
// address where nothing listens, `worker` and `relay` assemble and `api` refuses to, naming the
// setting.
func TestOnlyTheAPINeedsTheIdentityProvider(t *testing.T) {
	t.Parallel()
	cfg := load(t, withProvider("http://127.0.0.1:1/.well-known/jwks.json", "DATABASE_URL", pgtest.URL(t), "BROKER", "gochannel"))
	for _, part := range []string{"worker", "relay"} {
		_, cleanup, err := di.New(t.Context(), part, cfg, quietLogger())
		if err != nil {
			t.Errorf("%s with the identity provider down: %v", part, err)
			continue
		}
		cleanup()
	}
	if _, _, err := di.New(t.Context(), "api", cfg, quietLogger()); err == nil || !strings.Contains(err.Error(), "AUTH_JWKS_URL") {
		t.Errorf("api with the identity provider down: %v, want an error naming AUTH_JWKS_URL", err)
	}
}

// A process of a split deployment refuses to start in memory: its state would be its own.
func TestSplitProcessesNeedADatabase(t *testing.T) {
	t.Parallel()
	cfg := load(t, map[string]string{"AUTH_JWT_SECRET": strings.Repeat("x", 32), "BROKER": "gochannel"})
	for _, part := range []string{"api", "worker", "relay"} {
		if _, _, err := di.New(t.Context(), part, cfg, quietLogger()); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
			t.Errorf("%s without DATABASE_URL: %v, want an error naming DATABASE_URL", part, err)
		}
	}
}

// With PostgreSQL, every process shows the outbox backlog on /metrics, read from the database:
// a committed task change waits in the outbox until a relay forwards it.
func TestMetricsShowTheOutboxBacklog(t *testing.T) {
	t.Parallel()
	dbURL, db := pgtest.NewDatabase(t)
	// An outbox and a relay, without Kafka.
	cfg := load(t, map[string]string{"DATABASE_URL": dbURL, "BROKER": "gochannel"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, cleanup, err := di.New(ctx, "worker", cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if slices.Contains(workerNames(svc), "outbox-relay") {
		t.Fatal("the worker runs the relay")
	}
	// No relay runs: the change's two events stay in the outbox.
	if _, err := db.Exec(`INSERT INTO "watermill_outbox" (uuid, payload, metadata, transaction_id)
		VALUES ('a', '{}', '{}', pg_current_xact_id()), ('b', '{}', '{}', pg_current_xact_id())`); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	svc.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	if !strings.Contains(body, "taskstream_outbox_backlog_rows 2\n") || !strings.Contains(body, "taskstream_outbox_oldest_age_seconds ") {
		t.Errorf("/metrics does not show a backlog of 2 rows:\n%s", grepLines(body, "taskstream_outbox"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
