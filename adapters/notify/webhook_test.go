package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
)

// gatewayRequest is one request as the test gateway took it.
type gatewayRequest struct {
	Method string
	Header http.Header
	Body   []byte
}

// testGateway is a real HTTP server that answers every request with status and body, and
// keeps the requests.
type testGateway struct {
	*httptest.Server
	mu       sync.Mutex
	requests []gatewayRequest
}

func startGateway(t *testing.T, status int, body string, delay time.Duration) *testGateway {
	t.Helper()
	g := &testGateway{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.requests = append(g.requests, gatewayRequest{Method: r.Method, Header: r.Header.Clone(), Body: b})
		g.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		if status >= 300 && status < 400 {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *testGateway) received() []gatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayRequest(nil), g.requests...)
}

func newSMSSender(t *testing.T, cfg notify.WebhookConfig) *notify.SMSSender {
	t.Helper()
	s, err := notify.NewSMSSender(cfg)
	if err != nil {
		t.Fatalf("NewSMSSender: %v", err)
	}
	return s
}

var testSMS = command.SMS{To: "+4915112345678", Body: "Task due soon: Bericht prüfen \"heute\"", ID: "0193a0c4-7d7e-7cc2-b4a5-2d1f5d7f0a11"}

// The gateway receives the message as JSON with the idempotency key and the bearer token.
func TestSendSMSPostsTheMessage(t *testing.T) {
	t.Parallel()
	g := startGateway(t, http.StatusAccepted, `{"status":"queued"}`, 0)
	s := newSMSSender(t, notify.WebhookConfig{URL: g.URL + "/v1/sms", Token: "tok-123", Timeout: 5 * time.Second})
	if err := s.SendSMS(context.Background(), testSMS); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	reqs := g.received()
	if len(reqs) != 1 {
		t.Fatalf("the gateway received %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
		r.Header.Get("Idempotency-Key") != testSMS.ID || r.Header.Get("Authorization") != "Bearer tok-123" {
		t.Errorf("method %s, headers %v", r.Method, r.Header)
	}
	var body map[string]string
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	want := map[string]string{"to": testSMS.To, "body": testSMS.Body, "id": testSMS.ID}
	if len(body) != len(want) {
		t.Errorf("body %s has other fields than %v", r.Body, want)
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("body[%q] = %q, want %q", k, body[k], v)
		}
	}
}

// Without a token no Authorization header is sent.
func TestSendSMSWithoutToken(t *testing.T) {
	t.Parallel()
	g := startGateway(t, http.StatusOK, "", 0)
	if err := newSMSSender(t, notify.WebhookConfig{URL: g.URL}).SendSMS(context.Background(), testSMS); err != nil {
		t.Fatal(err)
	}
	if h := g.received()[0].Header; h.Get("Authorization") != "" {
		t.Errorf("Authorization %q sent without a token", h.Get("Authorization"))
	}
}

// 2xx is sent; 408, 429 and 5xx may pass later (unavailable); any other 4xx and 3xx never will
// (invalid), and the error quotes the status and the start of the answer.
func TestSendSMSMapsTheStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		want   shared.Kind // KindInternal here means success
	}{
		{200, shared.KindInternal}, {201, shared.KindInternal}, {204, shared.KindInternal},
		{400, shared.KindInvalid}, {401, shared.KindInvalid}, {404, shared.KindInvalid}, {422, shared.KindInvalid},
		{302, shared.KindInvalid},
		{408, shared.KindUnavailable}, {429, shared.KindUnavailable},
		{500, shared.KindUnavailable}, {502, shared.KindUnavailable}, {503, shared.KindUnavailable},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			t.Parallel()
			answer := `{"error":"number +4915112345678 is not reachable"}` + strings.Repeat(" padding", 100)
			if tc.status == http.StatusNoContent {
				answer = ""
			}
			g := startGateway(t, tc.status, answer, 0)
			err := newSMSSender(t, notify.WebhookConfig{URL: g.URL}).SendSMS(context.Background(), testSMS)
			if tc.want == shared.KindInternal {
				if err != nil {
					t.Errorf("status %d: %v, want sent", tc.status, err)
				}
				return
			}
			if shared.KindOf(err) != tc.want {
				t.Fatalf("status %d: error %v of kind %v, want %v", tc.status, err, shared.KindOf(err), tc.want)
			}
			msg := err.Error()
			t.Logf("error: %s", msg)
			if !strings.Contains(msg, "status "+strconv.Itoa(tc.status)) || !strings.Contains(msg, "is not reachable") {
				t.Errorf("error %q lacks the status or the answer", msg)
			}
			if len(msg) > 600 {
				t.Errorf("error of %d bytes quotes too much of the answer", len(msg))
			}
			if n := len(g.received()); n != 1 {
				t.Errorf("%d requests, want 1 (no redirect followed, no retry inside)", n)
			}
		})
	}
}

// A gateway that is down or slower than the timeout gives a retryable error within the timeout.
func TestSendSMSUnreachableIsRetryable(t *testing.T) {
	t.Parallel()
	slow := startGateway(t, http.StatusOK, "", 5*time.Second)
	down := startGateway(t, http.StatusOK, "", 0)
	down.Close()
	for name, url := range map[string]string{"slow": slow.URL, "down": down.URL} {
		start := time.Now()
		err := newSMSSender(t, notify.WebhookConfig{URL: url, Timeout: 200 * time.Millisecond}).SendSMS(context.Background(), testSMS)
		if shared.KindOf(err) != shared.KindUnavailable {
			t.Errorf("%s: error %v of kind %v, want unavailable", name, err, shared.KindOf(err))
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: the send took %v with a 200ms timeout", name, d)
		}
	}
}

// A message without a number or id is refused before any request.
func TestSendSMSRefusesIncompleteMessages(t *testing.T) {
	t.Parallel()
	g := startGateway(t, http.StatusOK, "", 0)
	s := newSMSSender(t, notify.WebhookConfig{URL: g.URL})
	for _, m := range []command.SMS{{To: "", Body: "b", ID: "1"}, {To: "+49", Body: "b", ID: ""}, {To: "+49", Body: "b", ID: "a\r\nX-Evil: 1"}} {
		if err := s.SendSMS(context.Background(), m); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%+v: error %v, want kind invalid", m, err)
		}
	}
	if n := len(g.received()); n != 0 {
		t.Errorf("the gateway received %d requests", n)
	}
	if _, err := notify.NewSMSSender(notify.WebhookConfig{URL: "ftp://gateway"}); err == nil {
		t.Error("an ftp URL was accepted")
	}
}
