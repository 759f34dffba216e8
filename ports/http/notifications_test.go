package httpport_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/notification"
)

// notificationBody is a notification as a client reads it.
type notificationBody struct {
	ID         string  `json:"id"`
	Type       string  `json:"type"`
	Title      string  `json:"title"`
	Message    string  `json:"message"`
	TaskID     *string `json:"task_id"`
	CreatedAt  string  `json:"created_at"`
	ReadAt     *string `json:"read_at"`
	Read       bool    `json:"read"`
	Deliveries []struct {
		Channel  string  `json:"channel"`
		Status   string  `json:"status"`
		Attempts int     `json:"attempts"`
		Reason   string  `json:"reason"`
		SentAt   *string `json:"sent_at"`
	} `json:"deliveries"`
}

type notificationListBody struct {
	Items      []notificationBody `json:"items"`
	NextCursor string             `json:"next_cursor"`
}

// seedNotification stores a notification for user created at at, with an in_app and an email
// channel whose email attempt failed once, as the notification-service would.
func (f *fixture) seedNotification(user string, at time.Time) *notification.Notification {
	f.t.Helper()
	n, err := notification.New(notification.Requested{
		ID: uuid.NewString(), UserID: user, Type: notification.TypeTaskDueSoon, Title: "Due soon", Message: "Write it",
		Email: user + "@example.com", Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail},
	}, at)
	if err != nil {
		f.t.Fatal(err)
	}
	store := f.tasks.notifications
	if ok, err := store.Add(context.Background(), uuid.NewString(), n); err != nil || !ok {
		f.t.Fatalf("Add = %v, %v", ok, err)
	}
	email, _ := n.Delivery(notification.ChannelEmail)
	_, err = store.Change(context.Background(), n.UserID(), n.ID(), func(n *notification.Notification) (bool, error) {
		return true, n.RecordDelivery(email.Failed(notification.ReasonEmailUnavailable, false))
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestListNotificationsShowsEachChannel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	n := f.seedNotification("alice", seedBase)
	f.seedNotification("bob", seedBase)
	rec := f.do(request{method: http.MethodGet, path: "/v1/notifications", user: "alice"})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	got := decodeJSON[notificationListBody](t, rec)
	if len(got.Items) != 1 || got.NextCursor != "" {
		t.Fatalf("listed %+v", got)
	}
	item := got.Items[0]
	if item.ID != n.ID() || item.Type != "task.due_soon" || item.Title != "Due soon" || item.Read || item.ReadAt != nil ||
		item.CreatedAt != at(seedBase) || len(item.Deliveries) != 2 {
		t.Fatalf("item %+v", item)
	}
	inApp, email := item.Deliveries[0], item.Deliveries[1]
	if inApp.Channel != "in_app" || inApp.Status != "sent" || inApp.SentAt == nil || *inApp.SentAt != at(seedBase) {
		t.Errorf("in_app %+v", inApp)
	}
	if email.Channel != "email" || email.Status != "pending" || email.Attempts != 1 || email.Reason != notification.ReasonEmailUnavailable || email.SentAt != nil {
		t.Errorf("email %+v", email)
	}
	if strings.Contains(rec.Body.String(), "alice@example.com") {
		t.Error("the list shows the email address")
	}
}

func TestListNotificationsPagesAndFiltersUnread(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	var ids []string
	for i := range 5 {
		ids = append(ids, f.seedNotification("alice", seedBase.Add(time.Duration(i)*time.Minute)).ID())
	}
	f.do(request{method: http.MethodPost, path: "/v1/notifications/" + ids[4] + "/read", user: "alice"})
	var seen []string
	path := "/v1/notifications?limit=2"
	for range 5 {
		page := decodeJSON[notificationListBody](t, f.do(request{method: http.MethodGet, path: path, user: "alice"}))
		for _, it := range page.Items {
			seen = append(seen, it.ID)
		}
		if page.NextCursor == "" {
			break
		}
		path = "/v1/notifications?limit=2&cursor=" + page.NextCursor
	}
	if strings.Join(seen, ",") != strings.Join([]string{ids[4], ids[3], ids[2], ids[1], ids[0]}, ",") {
		t.Errorf("pages listed %v, want newest first", seen)
	}
	unread := decodeJSON[notificationListBody](t, f.do(request{method: http.MethodGet, path: "/v1/notifications?unread=true", user: "alice"}))
	if len(unread.Items) != 4 || unread.Items[0].ID != ids[3] {
		t.Errorf("unread %+v", unread.Items)
	}
	for _, bad := range []string{"?unread=maybe", "?limit=0", "?limit=201", "?cursor=nope"} {
		decodeProblem(t, f.do(request{method: http.MethodGet, path: "/v1/notifications" + bad, user: "alice"}), http.StatusBadRequest)
	}
}

func TestMarkNotificationRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	n := f.seedNotification("alice", seedBase)
	path := "/v1/notifications/" + n.ID() + "/read"
	first := decodeJSON[notificationBody](t, f.do(request{method: http.MethodPost, path: path, user: "alice"}))
	if !first.Read || first.ReadAt == nil {
		t.Fatalf("after read %+v", first)
	}
	again := f.do(request{method: http.MethodPost, path: path, user: "alice"})
	if again.Code != http.StatusOK || *decodeJSON[notificationBody](t, again).ReadAt != *first.ReadAt {
		t.Errorf("marking again: %d %s, want 200 with the first read time", again.Code, again.Body)
	}
	decodeProblem(t, f.do(request{method: http.MethodPost, path: path, user: "bob"}), http.StatusNotFound)
	decodeProblem(t, f.do(request{method: http.MethodPost, path: "/v1/notifications/" + uuid.NewString() + "/read", user: "alice"}), http.StatusNotFound)
	decodeProblem(t, f.do(request{method: http.MethodPost, path: "/v1/notifications/42/read", user: "alice"}), http.StatusNotFound)
	bobs := decodeJSON[notificationListBody](t, f.do(request{method: http.MethodGet, path: "/v1/notifications", user: "alice"}))
	if len(bobs.Items) != 1 || !bobs.Items[0].Read {
		t.Errorf("alice's list %+v", bobs.Items)
	}
}

func TestMarkAllNotificationsRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	for i := range 3 {
		f.seedNotification("alice", seedBase.Add(time.Duration(i)*time.Second))
	}
	bob := f.seedNotification("bob", seedBase)
	f.do(request{method: http.MethodPost, path: "/v1/notifications/" + bob.ID() + "/read", user: "bob"})
	bobsOther := f.seedNotification("bob", seedBase.Add(time.Hour))
	for _, want := range []int{3, 0} {
		rec := f.do(request{method: http.MethodPost, path: "/v1/notifications/read-all", user: "alice"})
		if got := decodeJSON[struct{ Marked int }](t, rec); rec.Code != http.StatusOK || got.Marked != want {
			t.Errorf("read-all: %d %s, want marked %d", rec.Code, rec.Body, want)
		}
	}
	unread := decodeJSON[notificationListBody](t, f.do(request{method: http.MethodGet, path: "/v1/notifications?unread=true", user: "bob"}))
	if len(unread.Items) != 1 || unread.Items[0].ID != bobsOther.ID() {
		t.Errorf("bob's unread %+v: alice's read-all touched them", unread.Items)
	}
	decodeProblem(t, f.do(request{method: http.MethodPost, path: "/v1/notifications/read-all"}), http.StatusUnauthorized)
}

// notificationOpenAPICases are TestResponsesMatchOpenAPI's requests to the notification routes.
func notificationOpenAPICases(f *fixture) []openAPICase {
	n := f.seedNotification("alice", seedBase)
	f.seedNotification("alice", seedBase.Add(time.Minute))
	const list, read, all = "/v1/notifications", "/v1/notifications/{id}/read", "/v1/notifications/read-all"
	get := func(q string) request { return request{method: http.MethodGet, path: list + q, user: "alice"} }
	post := func(path string) request { return request{method: http.MethodPost, path: path, user: "alice"} }
	return []openAPICase{
		{"notification list 200", list, get("?limit=1&unread=true"), http.StatusOK, true},
		{"notification list 400", list, get("?unread=perhaps"), http.StatusBadRequest, false},
		{"notification list 401", list, request{method: http.MethodGet, path: list}, http.StatusUnauthorized, false},
		{"notification read 200", read, post("/v1/notifications/" + n.ID() + "/read"), http.StatusOK, true},
		{"notification read 404", read, post("/v1/notifications/" + uuid.NewString() + "/read"), http.StatusNotFound, true},
		{"notification read-all 200", all, post(all), http.StatusOK, true},
	}
}
