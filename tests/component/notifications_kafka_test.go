package component_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// notificationRequest is a notification.requested event as a producer writes it to Kafka: the
// CloudEvents headers, key = the user id.
func notificationRequest(t *testing.T, topic string, req notification.Requested) *sarama.ProducerMessage {
	t.Helper()
	return kafkaEvent(t, topic, notification.EventRequested, notification.EventRequestedVersion, req.UserID, req)
}

// kafkaEvent is an event in Taskstream's envelope as a record of topic, keyed by the user id.
func kafkaEvent(t *testing.T, topic, typ, version, user string, payload any) *sarama.ProducerMessage {
	t.Helper()
	msg, err := envelope.New(envelope.Event{Type: typ, SchemaVersion: version, UserID: user, Time: time.Now(), Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	headers := []sarama.RecordHeader{{Key: []byte("_watermill_message_uuid"), Value: []byte(msg.UUID)}}
	for k, v := range msg.Metadata {
		headers = append(headers, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
	}
	return &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(user), Value: sarama.ByteEncoder(msg.Payload), Headers: headers}
}

// A notification.request on Kafka is stored once and delivered per channel: in_app sent, email
// failed with the reason (no SMTP server configured), a second message with the same
// notification id adds nothing; a malformed request is parked with its reason and the request
// after it is processed. The stored notification's notification.created event reaches the
// user's WebSocket once, as a frame whose data has the listed notification's shape.
func TestNotificationRequestOverKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	topic := st.env["KAFKA_TOPIC_NOTIFICATION_REQUEST"]
	all, base := st.start(t, "all")
	all.WaitReady(t, base)
	alice := newClient(t, base, "alice")
	warmUpNotificationPush(t, base, topic)
	frames := dialNotifications(t, base, alice.token)

	req := notification.Requested{
		ID: uuid.NewString(), UserID: "alice", TaskID: uuid.NewString(), Type: notification.TypeTaskOverdue,
		Title: "Overdue: the report", Message: "It was due yesterday.", Email: "alice@example.com",
		Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail}, RequestedAt: time.Now(),
	}
	malformed := notificationRequest(t, topic, req)
	malformed.Value = sarama.StringEncoder(`{"id":`)
	noChannel := req
	noChannel.ID, noChannel.Channels = uuid.NewString(), nil
	produce(t, []*sarama.ProducerMessage{
		malformed,
		notificationRequest(t, topic, noChannel),
		notificationRequest(t, topic, req),
		notificationRequest(t, topic, req), // the same notification again, in a new message
	})

	var items []any
	eventually(t, 30*time.Second, func() error {
		r := alice.do("GET", "/v1/notifications", "")
		items, _ = r.body["items"].([]any)
		if r.status != http.StatusOK || len(items) != 1 {
			return fmt.Errorf("GET /v1/notifications: %d %s", r.status, r.raw)
		}
		ds := items[0].(map[string]any)["deliveries"].([]any)
		if email := ds[1].(map[string]any); email["status"] != "failed" {
			return fmt.Errorf("email still %v", email["status"])
		}
		return nil
	})
	n := items[0].(map[string]any)
	ds := n["deliveries"].([]any)
	inApp, email := ds[0].(map[string]any), ds[1].(map[string]any)
	if n["id"] != req.ID || n["title"] != req.Title || inApp["status"] != "sent" || inApp["channel"] != "in_app" {
		t.Errorf("notification %v", n)
	}
	if email["reason"] != notification.ReasonEmailNotConfigured {
		t.Errorf("email %v, want failed with the reason %q", email, notification.ReasonEmailNotConfigured)
	}

	parked := consumeAll(t, st.poisonTopic, 2)
	for i, want := range []string{"unexpected EOF", "channels"} {
		m := parked[i]
		if reason := header(m, "reason_poisoned"); !strings.Contains(reason, want) ||
			header(m, "handler_poisoned") != "notification-service" || header(m, "topic_poisoned") != topic {
			t.Errorf("parked %d: reason %q (want %q), headers %v", i, reason, want, m.Headers)
		}
	}

	select {
	case f := <-frames:
		data := f.Data
		fds, _ := data["deliveries"].([]any)
		if f.Type != "notification.created" || f.ID != req.ID || data["id"] != req.ID || data["title"] != req.Title ||
			data["task_id"] != req.TaskID || len(fds) != 2 {
			t.Errorf("frame %+v", f)
		}
		if got, want := keysOf(data), keysOf(n); got != want {
			t.Errorf("frame data has the fields %s, the listed notification %s", got, want)
		}
		if len(fds) == 2 && keysOf(fds[0].(map[string]any)) != keysOf(inApp) {
			t.Errorf("frame delivery %v, listed delivery %v", fds[0], inApp)
		}
	case <-time.After(10 * time.Second):
		t.Error("no notification.created frame on alice's WebSocket")
	}
	select {
	case f := <-frames:
		t.Errorf("a second frame %+v: the notification requested again was pushed again", f)
	case <-time.After(time.Second):
	}

	read := alice.expect("POST", "/v1/notifications/read-all", "", http.StatusOK)
	if read.body["marked"] != float64(1) {
		t.Errorf("read-all: %s", read.raw)
	}
	all.Stop(t, stopTimeout)
}

// warmUpNotificationPush waits until the API instance's push consumer reads
// notification.created: it reads from the newest message on, so what is stored before its
// group is assigned is not pushed. It sends in-app requests for a user of its own to topic
// (notification.request) until one is stored and pushed.
func warmUpNotificationPush(t *testing.T, base, topic string) {
	t.Helper()
	warm := newClient(t, base, "warm-up")
	frames := dialNotifications(t, base, warm.token)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		produce(t, []*sarama.ProducerMessage{notificationRequest(t, topic, notification.Requested{
			ID: uuid.NewString(), UserID: "warm-up", Type: "warm.up", Title: "warm-up",
			Channels: []notification.Channel{notification.ChannelInApp},
		})})
		select {
		case <-frames:
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
	t.Fatal("the API instance pushed no notification in 30s")
}

// A scored test on test_results_ready becomes one in-app notification for its user, also when
// the event comes twice, and is pushed on the user's WebSocket.
func TestTestScoredNotifiesTheUserOverKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	all, base := st.start(t, "all")
	all.WaitReady(t, base)
	warmUpNotificationPush(t, base, st.env["KAFKA_TOPIC_NOTIFICATION_REQUEST"])
	bob := newClient(t, base, "bob")
	frames := dialNotifications(t, base, bob.token)
	ev := testresult.Scored{SubmissionID: uuid.NewString(), QuizID: uuid.NewString(), QuizTitle: "Go basics", UserID: "bob",
		Points: 9, MaxPoints: 12, Percentage: 75, SubmittedAt: time.Now(), ScoredAt: time.Now()}
	topic := st.env["KAFKA_TOPIC_TEST_RESULTS_READY"]
	produce(t, []*sarama.ProducerMessage{
		kafkaEvent(t, topic, testresult.EventScored, testresult.EventScoredVersion, "bob", ev),
		kafkaEvent(t, topic, testresult.EventScored, testresult.EventScoredVersion, "bob", ev),
	})
	var f notificationFrame
	select {
	case f = <-frames:
	case <-time.After(20 * time.Second):
		t.Fatal("no notification.created frame on bob's WebSocket")
	}
	eventually(t, 30*time.Second, func() error {
		r := bob.do("GET", "/v1/notifications", "")
		items, _ := r.body["items"].([]any)
		if r.status != http.StatusOK || len(items) != 1 {
			return fmt.Errorf("GET /v1/notifications: %d %s", r.status, r.raw)
		}
		n := items[0].(map[string]any)
		if n["id"] != f.ID || n["type"] != "test.scored" || n["title"] != "Your result for Go basics is ready: 75%" {
			return fmt.Errorf("notification %v, frame id %s", n, f.ID)
		}
		return nil
	})
	all.Stop(t, stopTimeout)
}

type notificationFrame struct {
	Type string         `json:"type"`
	ID   string         `json:"id"`
	Data map[string]any `json:"data"`
}

// keysOf lists the keys of m, sorted.
func keysOf(m map[string]any) string {
	return fmt.Sprint(slices.Sorted(maps.Keys(m)))
}

// dialNotifications opens /v1/ws and returns its notification.created frames.
func dialNotifications(t *testing.T, base, token string) <-chan notificationFrame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/v1/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatalf("dial /v1/ws: %v", err)
	}
	if resp.Body != nil {
		_ = resp.Body.Close()
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	out := make(chan notificationFrame, 16)
	go func() {
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			var f notificationFrame
			if json.Unmarshal(data, &f) == nil && f.Type == "notification.created" {
				out <- f
			}
		}
	}()
	return out
}
