package di_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/di"
)

// The worker shows on /metrics the lag of each of its consumers, by the configured group and
// topic, and of no per-process group (the API's live updates).
func TestWorkerMetricsShowTheLagOfEveryConsumer(t *testing.T) {
	t.Parallel()
	dbURL, _ := pgtest.NewDatabase(t)
	cfg := load(t, map[string]string{"DATABASE_URL": dbURL, "BROKER": "postgres"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, cleanup, err := di.New(ctx, "worker", cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	rec := httptest.NewRecorder()
	svc.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`{group="todo",partition="0",topic="todo-create"} 0`,
		`{group="audit-service",partition="0",topic="task-events"} 0`,
		`{group="result-calculator",partition="0",topic="test_submissions"} 0`,
		`{group="analytics",partition="0",topic="test_results_ready"} 0`,
		`{group="notification-service",partition="0",topic="notification.request"} 0`,
		`{group="notification-service",partition="0",topic="test_results_ready"} 0`,
	} {
		for _, name := range []string{"taskstream_consumer_lag_records", "taskstream_consumer_lag_seconds"} {
			if !strings.Contains(body, name+want+"\n") {
				t.Errorf("/metrics has no %s%s:\n%s", name, want, grepLines(body, "taskstream_consumer_lag"))
			}
		}
	}
	if n := strings.Count(body, "\ntaskstream_consumer_lag_records{"); n != 6 {
		t.Errorf("/metrics shows the lag of %d consumers, want the worker's 6:\n%s", n, grepLines(body, "taskstream_consumer_lag"))
	}
}

// With an outbox, every process shows what holds its relay back on the server: the oldest
// writing transaction and the outbox table's dead rows.
func TestMetricsShowTheOutboxHorizon(t *testing.T) {
	t.Parallel()
	dbURL, _ := pgtest.NewDatabase(t)
	cfg := load(t, map[string]string{"DATABASE_URL": dbURL, "BROKER": "gochannel"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, cleanup, err := di.New(ctx, "relay", cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	rec := httptest.NewRecorder()
	svc.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, name := range []string{"taskstream_outbox_oldest_transaction_seconds ", "taskstream_outbox_dead_rows "} {
		if !strings.Contains(body, "\n"+name) {
			t.Errorf("/metrics has no %s:\n%s", name, grepLines(body, "taskstream_outbox"))
		}
	}
}
