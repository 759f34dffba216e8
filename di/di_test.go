package di_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
)

// The embedded default assembles without any service and answers on every operator route.
func TestNewServiceEmbedded(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(func(k string) (string, bool) {
		if k == "AUTH_JWT_SECRET" {
			return strings.Repeat("x", 32), true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, cleanup, err := di.NewService(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	var names []string
	for _, w := range svc.Workers {
		names = append(names, w.Name+"/"+w.Part)
	}
	// No outbox without a database, so no relay; deadline reminders run in memory too.
	if got := strings.Join(names, " "); svc.DB != nil || got != "todo-ingest/worker task-audit/worker websocket-task-updates/api result-calculator/worker test-analytics/worker notification-service/worker notification-test-results/worker websocket-notifications/api task-reminders/worker" {
		t.Errorf("embedded service: db %v, workers %s", svc.DB, got)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		rec := httptest.NewRecorder()
		svc.HTTP.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, rec.Code)
		}
	}
}

// With PostgreSQL, every process shows the outbox backlog on /metrics, read from the database:
// a committed task change waits in the outbox until a relay forwards it.
func TestMetricsShowTheOutboxBacklog(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	cfg, err := config.Load(func(k string) (string, bool) {
		switch k {
		case "AUTH_JWT_SECRET":
			return strings.Repeat("x", 32), true
		case "DATABASE_URL":
			return dbURL, true
		case "BROKER": // an outbox and a relay, without Kafka
			return "gochannel", true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, cleanup, err := di.NewService(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	// The relay is not running: the change's two events stay in the outbox.
	if _, err := svc.DB.Exec(`INSERT INTO "watermill_outbox" (uuid, payload, metadata, transaction_id)
		VALUES ('a', '{}', '{}', pg_current_xact_id()), ('b', '{}', '{}', pg_current_xact_id())`); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	svc.Ops.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
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
