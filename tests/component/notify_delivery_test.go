package component_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/notification"
)

// smsCall is one POST the test SMS gateway received.
type smsCall struct {
	Header http.Header
	Body   smsJSON
	Raw    string
}

// smsJSON is the body the binary posts to SMS_WEBHOOK_URL.
type smsJSON struct {
	To   string `json:"to"`
	Body string `json:"body"`
	ID   string `json:"id"`
}

// smsGateway is a real HTTP server standing for the SMS provider: it records every call and
// answers what answer says for the nth call (from 1) to the same phone number.
type smsGateway struct {
	url string

	mu     sync.Mutex
	calls  []smsCall
	counts map[string]int
}

func startSMSGateway(t *testing.T, answer func(to string, n int) (int, string)) *smsGateway {
	t.Helper()
	g := &smsGateway{counts: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		call := smsCall{Header: r.Header.Clone(), Raw: string(raw)}
		if r.Method != http.MethodPost || json.Unmarshal(raw, &call.Body) != nil {
			http.Error(w, "want a POST of JSON", http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		g.calls = append(g.calls, call)
		g.counts[call.Body.To]++
		n := g.counts[call.Body.To]
		g.mu.Unlock()
		status, body := answer(call.Body.To, n)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	g.url = srv.URL + "/v1/messages"
	return g
}

func (g *smsGateway) received() []smsCall {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]smsCall(nil), g.calls...)
}

// withSenders points the stack's email channel at smtp (in clear) and its sms channel at gw.
func (s stack) withSenders(smtp *smtpServer, gw *smsGateway) {
	s.env["SMTP_HOST"] = "127.0.0.1"
	s.env["SMTP_PORT"] = strconv.Itoa(smtp.port)
	s.env["SMTP_TLS"] = "none"
	s.env["SMTP_FROM"] = "Taskstream <noreply@taskstream.test>"
	s.env["SMS_WEBHOOK_URL"] = gw.url
	s.env["SMS_WEBHOOK_TOKEN"] = "gateway-token"
}

// listNotifications returns the user's notifications (the first page, newest first) by id.
func listNotifications(c *client) (map[string]map[string]any, error) {
	r := c.do("GET", "/v1/notifications?limit=200", "")
	if r.status != http.StatusOK {
		return nil, fmt.Errorf("GET /v1/notifications: %d %s", r.status, r.raw)
	}
	items, _ := r.body["items"].([]any)
	out := map[string]map[string]any{}
	for _, it := range items {
		n, _ := it.(map[string]any)
		id, _ := n["id"].(string)
		out[id] = n
	}
	return out, nil
}

// deliveries returns a notification's deliveries by channel.
func deliveries(n map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	ds, _ := n["deliveries"].([]any)
	for _, d := range ds {
		m, _ := d.(map[string]any)
		ch, _ := m["channel"].(string)
		out[ch] = m
	}
	return out
}

// cloneRecord is the same record again: the same key, value and headers, so the same message
// id, as a broker redelivery would give it.
func cloneRecord(m *sarama.ProducerMessage) *sarama.ProducerMessage {
	return &sarama.ProducerMessage{Topic: m.Topic, Key: m.Key, Value: m.Value, Headers: append([]sarama.RecordHeader(nil), m.Headers...)}
}

// TestEmailAndSMSDeliveredOnceOverKafka runs `taskstream all` on PostgreSQL and Kafka with a
// real SMTP server and a real HTTP SMS gateway started by the test. A notification.request for
// in_app, email and sms sends exactly one email (envelope, To, Subject, Message-ID and body as
// requested) and one SMS (the JSON, the Idempotency-Key, the bearer token), and the API shows
// each channel sent after one attempt. The same notification in a new message and the very
// same message again send nothing more: once a later request of the same user (so of the same
// partition) is processed, and 2s after that, the servers still have one of each.
func TestEmailAndSMSDeliveredOnceOverKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	smtpSrv := startSMTP(t)
	gw := startSMSGateway(t, func(string, int) (int, string) { return http.StatusAccepted, `{"status":"queued"}` })
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	st.withSenders(smtpSrv, gw)
	topic := st.env["KAFKA_TOPIC_NOTIFICATION_REQUEST"]

	req := notification.Requested{
		ID: uuid.NewString(), UserID: "carol", TaskID: uuid.NewString(), Type: notification.TypeTaskOverdue,
		Title: "Überfällig: the report", Message: "It was due yesterday, café at 9.",
		Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail, notification.ChannelSMS},
		Email:    "carol@example.com", Phone: "+15551234567", RequestedAt: time.Now(),
	}
	first := notificationRequest(t, topic, req)
	produce(t, []*sarama.ProducerMessage{first})

	all, base := st.start(t, "all")
	all.WaitReady(t, base)
	carol := newClient(t, base, "carol")

	wantSent := func(n map[string]any) error {
		ds := deliveries(n)
		if d := ds["in_app"]; d["status"] != "sent" || d["sent_at"] == nil {
			return fmt.Errorf("in_app delivery %v, want sent", d)
		}
		for _, ch := range []string{"email", "sms"} {
			if d := ds[ch]; d["status"] != "sent" || d["attempts"] != float64(1) || d["sent_at"] == nil {
				return fmt.Errorf("%s delivery %v, want sent after 1 attempt", ch, d)
			}
		}
		return nil
	}
	eventually(t, 30*time.Second, func() error {
		ns, err := listNotifications(carol)
		if err != nil {
			return err
		}
		n, ok := ns[req.ID]
		if !ok || len(ns) != 1 {
			return fmt.Errorf("notifications %v, want only %s", ns, req.ID)
		}
		return wantSent(n)
	})

	mails, calls := smtpSrv.received(), gw.received()
	if len(mails) != 1 {
		t.Fatalf("the SMTP server received %d emails, want 1", len(mails))
	}
	checkEmail(t, mails[0], req)
	if len(calls) != 1 {
		t.Fatalf("the SMS gateway received %d calls, want 1: %+v", len(calls), calls)
	}
	checkSMS(t, calls[0], req)

	// The same notification in a new message, the very same message again, then a later
	// in-app request of the same user: the partition's order makes the marker come last.
	marker := notification.Requested{ID: uuid.NewString(), UserID: "carol", Type: "marker", Title: "marker",
		Channels: []notification.Channel{notification.ChannelInApp}, RequestedAt: time.Now()}
	produce(t, []*sarama.ProducerMessage{
		notificationRequest(t, topic, req),
		cloneRecord(first),
		notificationRequest(t, topic, marker),
	})
	eventually(t, 30*time.Second, func() error {
		ns, err := listNotifications(carol)
		if err != nil {
			return err
		}
		if _, ok := ns[marker.ID]; !ok {
			return fmt.Errorf("the marker %s is not listed yet: %v", marker.ID, ns)
		}
		return nil
	})
	time.Sleep(2 * time.Second) // a second send would come now; nothing is there to wait for
	if mails := smtpSrv.received(); len(mails) != 1 {
		t.Errorf("the SMTP server received %d emails after the duplicates, want still 1", len(mails))
	}
	if calls := gw.received(); len(calls) != 1 {
		t.Errorf("the SMS gateway received %d calls after the duplicates, want still 1: %+v", len(calls), calls)
	}
	ns, err := listNotifications(carol)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 {
		t.Errorf("%d notifications listed, want the request's and the marker's: %v", len(ns), ns)
	}
	if err := wantSent(ns[req.ID]); err != nil {
		t.Errorf("after the duplicates: %v", err)
	}
	all.Stop(t, stopTimeout)
}

// checkEmail checks that m is req's email from SMTP_FROM.
func checkEmail(t *testing.T, m receivedMail, req notification.Requested) {
	t.Helper()
	if m.From != "noreply@taskstream.test" || len(m.To) != 1 || m.To[0] != req.Email {
		t.Errorf("envelope from %q to %v, want noreply@taskstream.test to [%s]", m.From, m.To, req.Email)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("the email does not parse: %v\n%s", err, m.Data)
	}
	h := msg.Header
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Errorf("subject %q: %v", h.Get("Subject"), err)
	}
	to, err := mail.ParseAddress(h.Get("To"))
	if err != nil || to.Address != req.Email {
		t.Errorf("To %q, want %s", h.Get("To"), req.Email)
	}
	from, err := mail.ParseAddress(h.Get("From"))
	if err != nil || from.Address != "noreply@taskstream.test" || from.Name != "Taskstream" {
		t.Errorf("From %q, want Taskstream <noreply@taskstream.test>", h.Get("From"))
	}
	if subject != req.Title {
		t.Errorf("subject %q, want %q", subject, req.Title)
	}
	if id := h.Get("Message-ID"); id != "<"+req.ID+".notification@taskstream>" {
		t.Errorf("Message-ID %q, want <%s.notification@taskstream>", id, req.ID)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "utf-8") {
		t.Errorf("Content-Type %q", ct)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Errorf("body: %v", err)
	}
	if got := strings.TrimRight(string(body), "\r\n"); got != req.Message {
		t.Errorf("body %q, want %q", got, req.Message)
	}
}

// checkSMS checks that c is req's text message, posted as the binary's webhook contract says.
func checkSMS(t *testing.T, c smsCall, req notification.Requested) {
	t.Helper()
	want := smsJSON{To: req.Phone, Body: req.Title + ": " + req.Message, ID: req.ID}
	if c.Body != want {
		t.Errorf("sms %+v, want %+v (raw %s)", c.Body, want, c.Raw)
	}
	if k := c.Header.Get("Idempotency-Key"); k != req.ID {
		t.Errorf("Idempotency-Key %q, want %s", k, req.ID)
	}
	if a := c.Header.Get("Authorization"); a != "Bearer gateway-token" {
		t.Errorf("Authorization %q, want the SMS_WEBHOOK_TOKEN", a)
	}
	if ct := c.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestSMSGatewayFailuresOverKafka runs `taskstream all` against an SMS gateway that answers
// 500 to a number's first two calls and 200 after, 400 to another number always, and 503 to a
// third always (CONSUMER_MAX_RETRIES=3, so 4 attempts). The first channel is retried by the
// consumer with its backoff and ends sent after 3 attempts, each call with the same
// Idempotency-Key; the refused one is failed after 1 attempt, the unavailable one after its 4
// attempts, each with a category as the reason, never the gateway's text (which echoes the
// token and the URL's api_key here); the log has that text, redacted. The in-app channel of
// each is sent, and the email of the first went once through the retries (a sent channel is
// not sent again).
func TestSMSGatewayFailuresOverKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	const flaky, refused, down = "+15550000001", "+15550000002", "+15550000003"
	smtpSrv := startSMTP(t)
	gw := startSMSGateway(t, func(to string, n int) (int, string) {
		switch {
		case to == flaky && n <= 2:
			return http.StatusInternalServerError, "try later"
		case to == refused: // a gateway that echoes the credentials it was given
			return http.StatusBadRequest, `{"error":"number not reachable","authorization":"Bearer gateway-token","url":"/v1/messages?api_key=gw-api-key"}`
		case to == down:
			return http.StatusServiceUnavailable, "maintenance"
		}
		return http.StatusOK, `{"status":"queued"}`
	})
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	st.env["CONSUMER_RETRY_INITIAL_INTERVAL"] = "20ms"
	st.env["CONSUMER_RETRY_MAX_INTERVAL"] = "100ms"
	st.env["CONSUMER_MAX_RETRIES"] = "3"
	st.withSenders(smtpSrv, gw)
	st.env["SMS_WEBHOOK_URL"] = gw.url + "?api_key=gw-api-key"
	topic := st.env["KAFKA_TOPIC_NOTIFICATION_REQUEST"]

	request := func(user, phone string, channels ...notification.Channel) notification.Requested {
		return notification.Requested{
			ID: uuid.NewString(), UserID: user, Type: notification.TypeTaskDueSoon, Title: "Due soon: " + user,
			Message: "Soon.", Email: user + "@example.com", Phone: phone, RequestedAt: time.Now(),
			Channels: append([]notification.Channel{notification.ChannelInApp}, channels...),
		}
	}
	flakyReq := request("dave", flaky, notification.ChannelEmail, notification.ChannelSMS)
	refusedReq := request("erin", refused, notification.ChannelSMS)
	downReq := request("frank", down, notification.ChannelSMS)
	produce(t, []*sarama.ProducerMessage{
		notificationRequest(t, topic, flakyReq),
		notificationRequest(t, topic, refusedReq),
		notificationRequest(t, topic, downReq),
	})

	all, base := st.start(t, "all")
	all.WaitReady(t, base)

	// settled waits until the user's notification has no pending channel and returns its
	// deliveries.
	settled := func(user, id string) map[string]map[string]any {
		t.Helper()
		c := newClient(t, base, user)
		var ds map[string]map[string]any
		eventually(t, 30*time.Second, func() error {
			ns, err := listNotifications(c)
			if err != nil {
				return err
			}
			n, ok := ns[id]
			if !ok {
				return fmt.Errorf("%s has no notification %s yet", user, id)
			}
			ds = deliveries(n)
			for ch, d := range ds {
				if d["status"] == "pending" {
					return fmt.Errorf("%s still pending: %v", ch, d)
				}
			}
			return nil
		})
		if d := ds["in_app"]; d["status"] != "sent" {
			t.Errorf("%s in_app %v, want sent", user, d)
		}
		return ds
	}

	ds := settled("dave", flakyReq.ID)
	if d := ds["sms"]; d["status"] != "sent" || d["attempts"] != float64(3) || d["reason"] != nil {
		t.Errorf("flaky sms %v, want sent after 3 attempts, no reason", d)
	}
	if d := ds["email"]; d["status"] != "sent" || d["attempts"] != float64(1) {
		t.Errorf("email %v, want sent after 1 attempt (the retries only send what is pending)", d)
	}

	ds = settled("erin", refusedReq.ID)
	if d := ds["sms"]; d["status"] != "failed" || d["attempts"] != float64(1) {
		t.Errorf("refused sms %v, want failed after 1 attempt", d)
	} else if d["reason"] != notification.ReasonSMSRefused {
		t.Errorf("refused sms reason %q, want %q (a category, not the gateway's text)", d["reason"], notification.ReasonSMSRefused)
	}

	ds = settled("frank", downReq.ID)
	if d := ds["sms"]; d["status"] != "failed" || d["attempts"] != float64(4) {
		t.Errorf("unavailable sms %v, want failed after 4 attempts (CONSUMER_MAX_RETRIES=3 + 1)", d)
	} else if d["reason"] != notification.ReasonSMSUnavailable {
		t.Errorf("unavailable sms reason %q, want %q", d["reason"], notification.ReasonSMSUnavailable)
	}
	// The operators' log has the gateway's status and answer, without the credentials.
	logs := all.Output()
	if !strings.Contains(logs, "status 400") || !strings.Contains(logs, "number not reachable") || !strings.Contains(logs, "maintenance") {
		t.Errorf("the log lacks the gateway's answers:\n%s", logs)
	}
	for _, secret := range []string{"gateway-token", "gw-api-key"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log shows %q", secret)
		}
	}

	perPhone := map[string][]smsCall{}
	for _, c := range gw.received() {
		perPhone[c.Body.To] = append(perPhone[c.Body.To], c)
	}
	for phone, want := range map[string]struct {
		calls int
		id    string
	}{flaky: {3, flakyReq.ID}, refused: {1, refusedReq.ID}, down: {4, downReq.ID}} {
		calls := perPhone[phone]
		if len(calls) != want.calls {
			t.Errorf("%s: the gateway received %d calls, want %d", phone, len(calls), want.calls)
		}
		for _, c := range calls {
			if c.Header.Get("Idempotency-Key") != want.id || c.Body.ID != want.id {
				t.Errorf("%s: call with Idempotency-Key %q, id %q, want %s", phone, c.Header.Get("Idempotency-Key"), c.Body.ID, want.id)
			}
		}
	}
	var to [][]string
	for _, m := range smtpSrv.received() {
		to = append(to, m.To)
	}
	if len(to) != 1 || len(to[0]) != 1 || to[0][0] != "dave@example.com" {
		t.Errorf("emails to %v, want one to dave@example.com", to)
	}
	all.Stop(t, stopTimeout)
}
