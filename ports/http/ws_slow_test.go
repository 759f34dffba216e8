package httpport_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/taskstream/taskstream/platform/live"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// bigFrame is a 16 KiB JSON frame numbered i, so a client that does not read fills the socket
// buffers after a few of them.
func bigFrame(i int) []byte {
	return []byte(`{"n":` + strconv.Itoa(i) + `,"pad":"` + strings.Repeat("x", 16<<10) + `"}`)
}

// publishUntil publishes big frames for user until stop reports true, waiting after each for
// fast to receive it, so that only a client that does not read falls behind.
func publishUntil(t *testing.T, hub *live.Hub, user string, fast *reader, stop func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; !stop(); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("still not done after %d frames", i)
		}
		frame := bigFrame(i)
		hub.Publish(user, frame)
		if fast != nil && fast.next() != string(frame) {
			t.Fatalf("the fast client missed frame %d", i)
		}
	}
}

func TestWebSocketDropsAClientThatDoesNotReadAndKeepsServingOthers(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{buffer: 4, cfg: httpport.WebSocketConfig{WriteTimeout: 10 * time.Second}})
	slow := env.dial(&websocket.DialOptions{HTTPClient: smallReadBuffers(),
		HTTPHeader: http.Header{"Authorization": {"Bearer " + token(t, "alice")}}})
	fast := startReading(t, env.dialAs("alice"))

	publishUntil(t, env.hub, "alice", fast, func() bool { return env.hub.Stats().Dropped == 1 })

	for i := range 3 { // the fast client keeps receiving after the drop
		env.hub.Publish("alice", []byte(`{"after":`+strconv.Itoa(i)+`}`))
		if got := fast.next(); got != `{"after":`+strconv.Itoa(i)+`}` {
			t.Fatalf("the fast client got %.40s after the drop", got)
		}
	}
	// Once the slow client reads, it finds what was written to it and then the reason.
	startReading(t, slow).closeError(websocket.StatusPolicyViolation, "too slow")
	eventually(t, "the slow disconnect count", func() bool { return env.metric("websocket_disconnects_total", "slow") == 1 })
	if st := env.hub.Stats(); st.Subscribers != 1 {
		t.Errorf("hub stats = %+v, want the fast client's subscription alone", st)
	}
}

func TestWebSocketDisconnectsAClientThatTakesNoFrameWithinTheWriteTimeout(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{buffer: 1000, cfg: httpport.WebSocketConfig{WriteTimeout: 100 * time.Millisecond}})
	env.dial(&websocket.DialOptions{HTTPClient: smallReadBuffers(),
		HTTPHeader: http.Header{"Authorization": {"Bearer " + token(t, "alice")}}})

	written := func() bool { return env.metric("websocket_disconnects_total", "write_failed") == 1 }
	publishUntil(t, env.hub, "alice", nil, func() bool { time.Sleep(time.Millisecond); return written() })
	eventually(t, "the release of the subscription", func() bool { return env.hub.Stats().Subscribers == 0 })
	if env.hub.Stats().Dropped != 0 {
		t.Error("the hub dropped the client; the write timeout should have")
	}
}

func TestWebSocketDisconnectsAClientThatDoesNotAnswerPings(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{cfg: httpport.WebSocketConfig{PingInterval: 20 * time.Millisecond, PongTimeout: 500 * time.Millisecond}})
	pongs := startReading(t, env.dialAs("alice"))
	mute := startReading(t, env.dial(&websocket.DialOptions{
		HTTPHeader:     http.Header{"Authorization": {"Bearer " + token(t, "bob")}},
		OnPingReceived: func(context.Context, []byte) bool { return false },
	}))

	if err := mute.closed(); websocket.CloseStatus(err) != -1 {
		t.Errorf("the mute client ended with %v, want a dropped connection (it would not read a close frame)", err)
	}
	eventually(t, "the ping timeout count", func() bool { return env.metric("websocket_disconnects_total", "ping_timeout") == 1 })
	time.Sleep(100 * time.Millisecond) // more ping intervals
	env.hub.Publish("alice", []byte(`{"still":"here"}`))
	if got := pongs.next(); got != `{"still":"here"}` {
		t.Errorf("the client that answers pings got %s", got)
	}
}

func TestWebSocketHubCloseSendsGoingAway(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	clients := []*reader{startReading(t, env.dialAs("alice")), startReading(t, env.dialAs("bob"))}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.hub.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v; the handlers did not release their subscriptions", err)
	}
	for _, c := range clients {
		c.closeError(websocket.StatusGoingAway, "shutting down")
	}
	if n := env.metric("websocket_disconnects_total", "shutdown"); n != 2 {
		t.Errorf("shutdown disconnects = %v, want 2", n)
	}
	if _, refused, err := env.tryDial("?access_token="+token(t, "alice"), nil); err == nil || refused.status != http.StatusServiceUnavailable {
		t.Errorf("dial after shutdown: %v, status %d; want 503", err, refused.status)
	}
}

// A client that never answers the close frame (a suspended laptop) holds a shutting-down
// process for the close grace, not for the library's five seconds.
func TestWebSocketShutdownDoesNotWaitLongForADeafClient(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	deaf := env.dialAs("alice") // never read: the close frame is never answered
	defer func() { _ = deaf.CloseNow() }()
	eventually(t, "the connection is registered", func() bool { return env.metric("websocket_connections", "") == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := env.hub.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("shutdown waited %s for a client that does not answer the close frame, want about a second", took)
	}
}

// A connection lives no longer than the token it was opened with: at its expiry the server
// closes it with 1008, as a request with that token would be refused.
func TestWebSocketClosesWhenTheTokenExpires(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	tok, err := httpport.IssueHS256Token(testSecret, "alice", 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c := startReading(t, env.dial(&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}}))
	c.closeError(websocket.StatusPolicyViolation, "token expired")
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("closed %s after the connect, want at the token's expiry (at most 2 s)", took)
	}
	eventually(t, "the disconnect is counted as token_expired", func() bool {
		return env.metric("websocket_disconnects_total", "token_expired") == 1
	})
}
