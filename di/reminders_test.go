package di_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/platform/live"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// In the embedded default (memory, GoChannel) a task gets its due-soon reminder end to end: the
// scheduler finds it when it comes within REMINDER_WINDOW, the notification-service stores the
// request, GET /v1/notifications lists it, once however many rounds run, and alice's live
// connection gets it as a notification.created frame (from the store's created event). The
// task is due a second after the window's end, so the reminder comes after every consumer
// subscribed.
func TestEmbeddedDeadlineReminder(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("x", 32)
	env := map[string]string{"AUTH_JWT_SECRET": secret, "REMINDER_WINDOW": "1h", "REMINDER_INTERVAL": "50ms"}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	svc := runEmbedded(t, cfg)
	conn := svc.Hub.Register("alice")
	defer conn.Close()
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
	list := func() []listedNotification {
		rec := call(http.MethodGet, "/v1/notifications", "")
		var page struct{ Items []listedNotification }
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
	// Five more rounds of the scheduler, counted on /metrics, find the same reminder due.
	for after := rounds(t, svc); rounds(t, svc) < after+5; {
		if time.Now().After(deadline) {
			t.Fatal("the scheduler did not run five more rounds within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := list()
	if len(got) != 1 || got[0].Type != notification.TypeTaskDueSoon || got[0].TaskID == nil || *got[0].TaskID != tk.ID ||
		got[0].Title != "Task due soon: Send the invoice" {
		t.Errorf("notifications %+v, want the task's one due-soon reminder", got)
	}
	if data := notificationFrame(t, conn); data.ID != got[0].ID || data.Title != got[0].Title {
		t.Errorf("frame data %+v, want the listed notification %+v", data, got[0])
	}
}

// listedNotification is what these tests read of a notification, listed or pushed.
type listedNotification struct {
	ID     string  `json:"id"`
	Type   string  `json:"type"`
	Title  string  `json:"title"`
	TaskID *string `json:"task_id"`
}

// notificationFrame returns the data of the first notification.created frame of sub, skipping
// the others (task.changed).
func notificationFrame(t *testing.T, sub *live.Subscription) listedNotification {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case raw := <-sub.Frames():
			var f struct {
				Type string             `json:"type"`
				Data listedNotification `json:"data"`
			}
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatalf("frame %s: %v", raw, err)
			}
			if f.Type == "notification.created" {
				return f.Data
			}
		case <-timeout:
			t.Fatal("no notification.created frame within 5s")
		}
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

// rounds is how many rounds of deadline reminders the service has run, from its /metrics.
func rounds(t *testing.T, svc *di.Service) int {
	t.Helper()
	rec := httptest.NewRecorder()
	svc.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	const series = `taskstream_use_case_duration_seconds_count{handler="EmitDeadlineReminders",outcome="ok"} `
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if n, ok := strings.CutPrefix(line, series); ok {
			count, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return count
		}
	}
	return 0
}
