package notification_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/notification"
)

// The created event's JSON is the notification as the API lists it and the WebSocket frame has
// always shown it: every field present (null when unset), times in UTC with their nanoseconds,
// no user and no addresses. Clients depend on it byte for byte.
func TestCreatedEventJSONIsTheFrameData(t *testing.T) {
	t.Parallel()
	r := valid()
	r.TaskID = "0193A8E2-7B1C-7CDE-8F00-0000000000AA"
	r.Phone = ""
	at := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	n, err := notification.New(r, at)
	if err != nil {
		t.Fatal(err)
	}
	email, _ := n.Delivery(notification.ChannelEmail)
	if err := n.RecordDelivery(email.Failed(notification.ReasonEmailUnavailable, false)); err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(n.CreatedEvent())
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"id":"0193a8e2-7b1c-7cde-8f00-000000000001","type":"task.due_soon","title":"Due soon",` +
		`"message":"Write the report","task_id":"0193a8e2-7b1c-7cde-8f00-0000000000aa",` +
		`"created_at":"2026-03-01T09:00:00.123456789Z","read_at":null,"read":false,"deliveries":[` +
		`{"channel":"in_app","status":"sent","attempts":0,"sent_at":"2026-03-01T09:00:00.123456789Z"},` +
		`{"channel":"email","status":"pending","attempts":1,"reason":"the email server is unavailable","sent_at":null},` +
		`{"channel":"sms","status":"failed","attempts":0,"reason":"no phone number","sent_at":null}]}`
	if string(got) != want {
		t.Errorf("created event\n got %s\nwant %s", got, want)
	}
}

func TestCreatedEventShowsNoTaskAsNullAndTheReadTime(t *testing.T) {
	t.Parallel()
	n, err := notification.New(valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	n.MarkRead(now.Add(time.Hour))
	ev := n.CreatedEvent()
	if ev.TaskID != nil || !ev.Read || ev.ReadAt == nil || !ev.ReadAt.Equal(now.Add(time.Hour)) {
		t.Errorf("event %+v, want no task and read an hour later", ev)
	}
	ev.Deliveries[0].Attempts = 99
	if d, _ := n.Delivery(notification.ChannelInApp); d.Attempts != 0 {
		t.Error("the event shares its deliveries with the notification")
	}
}
