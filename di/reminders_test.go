package di_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
	"github.com/taskstream/taskstream/domain/notification"
	httpport "github.com/taskstream/taskstream/ports/http"
	"github.com/taskstream/taskstream/ports/messaging"
)

// In the embedded default (memory, GoChannel) a task gets its due-soon reminder end to end: the
// scheduler finds it when it comes within REMINDER_WINDOW, the notification-service stores the
// request, and GET /v1/notifications lists it, once however many rounds run. The task is due
// a second after the window's end, so the reminder comes after every consumer subscribed.
func TestEmbeddedDeadlineReminder(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("x", 32)
	env := map[string]string{"AUTH_JWT_SECRET": secret, "REMINDER_WINDOW": "1h", "REMINDER_INTERVAL": "50ms"}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	svc := runEmbedded(t, cfg)
	token, err := httpport.IssueHS256Token([]byte(secret), "alice", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		svc.Handler.ServeHTTP(rec, req)
		return rec
	}

	due := time.Now().Add(time.Hour + time.Second).UTC().Format(time.RFC3339Nano)
	created := call(http.MethodPost, "/v1/tasks", fmt.Sprintf(`{"title":"Send the invoice","due_at":%q}`, due))
	var tk struct{ ID string }
	if created.Code != http.StatusCreated || json.Unmarshal(created.Body.Bytes(), &tk) != nil {
		t.Fatalf("POST /v1/tasks: %d %s", created.Code, created.Body)
	}
	list := func() []messaging.NotificationJSON {
		rec := call(http.MethodGet, "/v1/notifications", "")
		var page struct{ Items []messaging.NotificationJSON }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &page) != nil {
			t.Fatalf("GET /v1/notifications: %d %s", rec.Code, rec.Body)
		}
		return page.Items
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(list()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no reminder listed within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // six more rounds
	got := list()
	if len(got) != 1 || got[0].Type != notification.TypeTaskDueSoon || got[0].TaskID == nil || *got[0].TaskID != tk.ID ||
		got[0].Title != "Task due soon: Send the invoice" {
		t.Errorf("notifications %+v, want the task's one due-soon reminder", got)
	}
}

// runEmbedded assembles the service from cfg and runs all its workers, as `taskstream all`
// does, until the test ends.
func runEmbedded(t *testing.T, cfg config.Config) *di.Service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	svc, cleanup, err := di.New(ctx, "all", cfg, quietLogger())
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, w := range svc.Workers {
		wg.Go(func() {
			if err := w.Run(ctx); err != nil {
				t.Errorf("worker %s: %v", w.Name, err)
			}
		})
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		cleanup()
	})
	return svc
}
