package di_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
	// No outbox without a database, so no relay.
	if got := strings.Join(names, " "); svc.DB != nil || got != "todo-ingest/worker task-audit/worker websocket-task-updates/api" {
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
