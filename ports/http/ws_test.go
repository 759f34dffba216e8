package httpport_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	httpport "github.com/taskstream/taskstream/ports/http"
)

func TestWebSocketAuthenticatesByHeaderQueryOrSubprotocol(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	cases := []struct {
		name     string
		query    string
		opts     *websocket.DialOptions
		protocol string
	}{
		{"header", "", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token(t, "alice")}}}, ""},
		{"query parameter", "?access_token=" + token(t, "alice"), nil, ""},
		{"subprotocol", "", &websocket.DialOptions{Subprotocols: []string{"bearer", token(t, "alice")}}, "bearer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn, refused, err := env.tryDial(tc.query, tc.opts)
			if err != nil {
				t.Fatalf("dial: %v (status %d: %s)", err, refused.status, refused.body)
			}
			if got := conn.Subprotocol(); got != tc.protocol {
				t.Errorf("subprotocol = %q, want %q (never the token)", got, tc.protocol)
			}
			r := startReading(t, conn)
			frame := `{"type":"task.changed","case":"` + tc.name + `"}`
			env.hub.Publish("alice", []byte(frame))
			for { // the cases share alice: skip the frames of the others
				if got := r.next(); got == frame {
					break
				}
			}
		})
	}
}

func TestWebSocketRefusesAMissingOrBadToken(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	expired := "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MX0.x"
	cases := []struct {
		name  string
		query string
		opts  *websocket.DialOptions
	}{
		{"no token", "", nil},
		{"bad header", "", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {expired}}}},
		{"bad query parameter", "?access_token=not.a.jwt", nil},
		{"bad subprotocol", "", &websocket.DialOptions{Subprotocols: []string{"bearer", "not.a.jwt"}}},
		{"subprotocol without a token", "", &websocket.DialOptions{Subprotocols: []string{"bearer"}}},
		{"empty query parameter", "?access_token=", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, refused, err := env.tryDial(tc.query, tc.opts)
			if err == nil || refused.status != http.StatusUnauthorized || refused.header.Get("Content-Type") != httpport.ProblemContentType {
				t.Fatalf("dial: %v, status %d, content type %q; want 401 with a problem", err, refused.status, refused.header.Get("Content-Type"))
			}
			var p problemBody
			if err := json.Unmarshal(refused.body, &p); err != nil || p.Type != httpport.ProblemTypeBase+"unauthenticated" {
				t.Errorf("problem %s (%v)", refused.body, err)
			}
			if !strings.HasPrefix(refused.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", refused.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestWebSocketDeliversToEveryConnectionOfTheUserAndNoOtherUser(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	a1, a2, b := startReading(t, env.dialAs("alice")), startReading(t, env.dialAs("alice")), startReading(t, env.dialAs("bob"))

	env.hub.Publish("alice", []byte(`{"for":"alice"}`))
	for i, r := range []*reader{a1, a2} {
		if got := r.next(); got != `{"for":"alice"}` {
			t.Errorf("alice's connection %d got %s", i+1, got)
		}
	}
	b.nothingFor(100 * time.Millisecond)
	env.hub.Publish("bob", []byte(`{"for":"bob"}`))
	if got := b.next(); got != `{"for":"bob"}` {
		t.Errorf("bob got %s, want his own frame only", got)
	}
	a1.nothingFor(50 * time.Millisecond)
	if n := env.metric("websocket_connections", ""); n != 3 {
		t.Errorf("websocket_connections = %v, want 3", n)
	}
}

func TestWebSocketAnswersProblemsBeforeTheUpgrade(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	noHub := newFixture(t, fixtureOptions{})
	doc := loadOpenAPI(t, noHub)
	cases := []struct {
		name    string
		handler http.Handler
		req     request
		status  int
	}{
		{"not a handshake", env.h, request{method: http.MethodGet, path: "/v1/ws", user: "alice"}, http.StatusUpgradeRequired},
		{"HEAD", env.h, request{method: http.MethodHead, path: "/v1/ws", user: "alice"}, http.StatusUpgradeRequired},
		{"no token", env.h, request{method: http.MethodGet, path: "/v1/ws"}, http.StatusUnauthorized},
		{"no hub", noHub.handler, request{method: http.MethodGet, path: "/v1/ws", user: "alice",
			headers: map[string]string{"Connection": "Upgrade", "Upgrade": "websocket"}}, http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.req.method, tc.req.path, nil)
			if tc.req.user != "" {
				req.Header.Set("Authorization", "Bearer "+token(t, tc.req.user))
			}
			for k, v := range tc.req.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			tc.handler.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == http.StatusUpgradeRequired && rec.Header().Get("Upgrade") != "websocket" {
				t.Errorf("426 without Upgrade: websocket")
			}
			if tc.req.method == http.MethodGet {
				validateAgainst(t, doc, "/v1/ws", tc.req, rec, false)
			}
		})
	}
}

func TestWebSocketDiscardsWhatClientsSendUpToALimit(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	conn := env.dialAs("alice")
	r := startReading(t, conn)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"hello"}`)); err != nil {
		t.Fatal(err)
	}
	env.hub.Publish("alice", []byte(`{"n":1}`))
	if got := r.next(); got != `{"n":1}` {
		t.Fatalf("got %s after a small client message", got)
	}
	// One byte over the limit: the server reads it all before closing, so no reset races the close.
	if err := conn.Write(ctx, websocket.MessageBinary, make([]byte, 4097)); err != nil {
		t.Fatal(err)
	}
	r.closeError(websocket.StatusMessageTooBig, "")
}
