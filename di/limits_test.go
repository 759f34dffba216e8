package di_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// statuses sends n GET /v1/todos to h, with a token for user when set, and counts the statuses.
func statuses(t *testing.T, h http.Handler, secret, user string, n int) map[int]int {
	t.Helper()
	got := map[int]int{}
	for range n {
		req := httptest.NewRequest(http.MethodGet, "/v1/todos", nil)
		if user != "" {
			tok, err := httpport.IssueHS256Token([]byte(secret), user, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got[rec.Code]++
	}
	return got
}

// RATE_LIMIT_RPS and RATE_LIMIT_CLIENT_RPS reach the API, and 0 turns each limit off (were it
// read as the default rate instead, 50 requests against a burst of 2 would meet a 429).
func TestRateLimitSettingsReachTheAPI(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("x", 32)
	for _, tc := range []struct {
		name string
		env  map[string]string
		user string
		want string
	}{
		{"per user", map[string]string{"RATE_LIMIT_RPS": "0.01", "RATE_LIMIT_BURST": "2"}, "alice", "map[200:2 429:48]"},
		{"per user off", map[string]string{"RATE_LIMIT_RPS": "0", "RATE_LIMIT_BURST": "2"}, "alice", "map[200:50]"},
		{"per address", map[string]string{"RATE_LIMIT_CLIENT_RPS": "0.01", "RATE_LIMIT_CLIENT_BURST": "2"}, "", "map[401:2 429:48]"},
		{"per address off", map[string]string{"RATE_LIMIT_CLIENT_RPS": "0", "RATE_LIMIT_CLIENT_BURST": "2"}, "", "map[401:50]"},
	} {
		tc.env["AUTH_JWT_SECRET"] = secret
		svc := newServiceWith(t, tc.env)
		if got := fmt.Sprint(statuses(t, svc.Handler, secret, tc.user, 50)); got != tc.want {
			t.Errorf("%s: statuses %s, want %s", tc.name, got, tc.want)
		}
	}
}

// WS_MAX_CONNECTIONS_PER_USER reaches GET /v1/ws.
func TestWebSocketCapReachesTheAPI(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("x", 32)
	svc := newServiceWith(t, map[string]string{"AUTH_JWT_SECRET": secret, "WS_MAX_CONNECTIONS_PER_USER": "1"})
	srv := httptest.NewServer(svc.Handler)
	t.Cleanup(srv.Close)
	t.Cleanup(svc.Hub.Close)
	tok, err := httpport.IssueHS256Token([]byte(secret), "alice", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	opts := &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/v1/ws"
	conn, resp, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	closeBody(resp)
	defer func() { _ = conn.CloseNow() }()
	second, resp, err := websocket.Dial(ctx, url, opts)
	if second != nil {
		_ = second.CloseNow()
	}
	if resp == nil {
		t.Fatalf("second socket of alice: %v, no answer; want 429", err)
	}
	closeBody(resp)
	if err == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("second socket of alice: %v, status %d; want 429", err, resp.StatusCode)
	}
}

// closeBody closes the body of a handshake's answer, which a successful one does not have.
func closeBody(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
}
