package httpport_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/coder/websocket"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// dialOptionsAs opens /v1/ws as user.
func dialOptionsAs(t *testing.T, user string) *websocket.DialOptions {
	return &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token(t, user)}}}
}

// refusedWith checks that a handshake as user is refused, before the upgrade, with a problem
// of status and type slug, and returns the answer.
func (e *wsEnv) refusedWith(user string, status int, slug string) refusal {
	e.t.Helper()
	conn, r, err := e.tryDial("", dialOptionsAs(e.t, user))
	if err == nil || conn != nil {
		e.t.Fatalf("handshake of %s accepted, want %d", user, status)
	}
	if r.status != status || r.header.Get("Content-Type") != httpport.ProblemContentType {
		e.t.Fatalf("refusal = %d %q, want %d problem details: %s", r.status, r.header.Get("Content-Type"), status, r.body)
	}
	var p problemBody
	if err := json.Unmarshal(r.body, &p); err != nil || p.Type != httpport.ProblemTypeBase+slug || p.Detail == "" {
		e.t.Fatalf("problem = %s (%v), want type %s with a detail", r.body, err, slug)
	}
	return r
}

func TestWebSocketRefusesAUserPastTheDefaultCap(t *testing.T) {
	t.Parallel()
	e := newWSEnv(t, wsEnvOptions{})
	for range httpport.DefaultWebSocketMaxConnectionsPerUser {
		e.dialAs("alice")
	}
	e.refusedWith("alice", http.StatusTooManyRequests, "too-many-requests")
	e.dialAs("bob")
}

func TestWebSocketCapsPerUserAndPerInstanceAndReleasesOnClose(t *testing.T) {
	t.Parallel()
	e := newWSEnv(t, wsEnvOptions{cfg: httpport.WebSocketConfig{MaxConnectionsPerUser: 2, MaxConnections: 3}})
	first := e.dialAs("alice")
	e.dialAs("alice")
	e.refusedWith("alice", http.StatusTooManyRequests, "too-many-requests")
	e.dialAs("bob") // the instance's third
	r := e.refusedWith("carol", http.StatusServiceUnavailable, "unavailable")
	if r.header.Get("Retry-After") == "" {
		t.Error("the instance's refusal has no Retry-After")
	}
	if got := e.metric("websocket_refused_total", "user_limit"); got != 1 {
		t.Errorf("websocket_refused_total{reason=user_limit} = %v, want 1", got)
	}
	if got := e.metric("websocket_refused_total", "instance_limit"); got != 1 {
		t.Errorf("websocket_refused_total{reason=instance_limit} = %v, want 1", got)
	}

	// Closing a socket gives its slot back, to its user and to the instance.
	if err := first.Close(websocket.StatusNormalClosure, "bye"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a new socket of alice accepted after she closed one", func() bool {
		_, _, err := e.tryDial("", dialOptionsAs(t, "alice"))
		return err == nil
	})
	e.refusedWith("alice", http.StatusTooManyRequests, "too-many-requests")
	e.refusedWith("carol", http.StatusServiceUnavailable, "unavailable")
}

func TestWebSocketCapsAreValidated(t *testing.T) {
	t.Parallel()
	for _, ws := range []httpport.WebSocketConfig{{MaxConnectionsPerUser: -1}, {MaxConnections: -1}} {
		if err := (httpport.Config{WebSocket: ws}).Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", ws)
		}
	}
}
