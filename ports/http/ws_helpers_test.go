package httpport_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/platform/live"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// wsEnv is the API behind a real HTTP server with a live hub, for WebSocket clients.
type wsEnv struct {
	t   *testing.T
	hub *live.Hub
	reg *prometheus.Registry
	h   http.Handler
	url string // of /v1/ws
}

type wsEnvOptions struct {
	cfg    httpport.WebSocketConfig
	buffer int
}

func newWSEnv(t *testing.T, opts wsEnvOptions) *wsEnv {
	t.Helper()
	hub, err := live.NewHub(live.Config{Buffer: opts.buffer})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	h, err := httpport.NewHandler(newFixtureApp(t), httpport.Config{WebSocket: opts.cfg}, httpport.Deps{
		Logger: discardLogger(), Authenticator: auth, Registry: reg, Gatherer: reg, Hub: hub,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = smallSendBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close) // runs first: ends the streams, so no handler outlives the test
	return &wsEnv{t: t, hub: hub, reg: reg, h: h, url: srv.URL + "/v1/ws"}
}

// smallSendBuffers shrinks the send buffer of every accepted connection, so that a client that
// does not read blocks the server's writes after kilobytes rather than megabytes.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// smallReadBuffers is an HTTP client whose connections have a small receive buffer.
func smallReadBuffers() *http.Client {
	dialer := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		return c, err
	}}}
}

// dial opens /v1/ws with opts, failing the test on error.
func (e *wsEnv) dial(opts *websocket.DialOptions) *websocket.Conn {
	e.t.Helper()
	conn, refused, err := e.tryDial("", opts)
	if err != nil {
		e.t.Fatalf("dial: %v (status %d: %s)", err, refused.status, refused.body)
	}
	return conn
}

// dialAs opens /v1/ws with user's token in the Authorization header.
func (e *wsEnv) dialAs(user string) *websocket.Conn {
	e.t.Helper()
	return e.dial(&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token(e.t, user)}}})
}

// refusal is the answer to a handshake the server refused.
type refusal struct {
	status int
	header http.Header
	body   []byte
}

// tryDial opens /v1/ws with query appended to the URL, and closes the connection at the end.
// When the server refuses the handshake, it returns its answer.
func (e *wsEnv) tryDial(query string, opts *websocket.DialOptions) (*websocket.Conn, refusal, error) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, e.url+query, opts)
	var r refusal
	if resp != nil {
		r.status, r.header = resp.StatusCode, resp.Header
		if resp.Body != nil { // only when refused; Dial has read it already
			r.body, _ = io.ReadAll(resp.Body)
			_ = resp.Body.Close()
		}
	}
	if conn != nil {
		conn.SetReadLimit(1 << 20)
		e.t.Cleanup(func() { _ = conn.CloseNow() })
	}
	return conn, r, err
}

// metric returns the value of the metric name, with label reason when given, 0 when absent.
func (e *wsEnv) metric(name, reason string) float64 {
	e.t.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := reason == ""
			for _, l := range m.GetLabel() {
				match = match || l.GetName() == "reason" && l.GetValue() == reason
			}
			if match {
				return m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

// eventually polls cond every few milliseconds and fails the test after 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 5 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// reader reads a connection's messages in the background until it ends.
type reader struct {
	t      *testing.T
	frames chan string
	done   chan struct{}
	err    error // why reading ended; set before done is closed
}

func startReading(t *testing.T, conn *websocket.Conn) *reader {
	r := &reader{t: t, frames: make(chan string, 1024), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				r.err = err
				return
			}
			r.frames <- string(b)
		}
	}()
	return r
}

// next returns the next message, failing after 5 s or when the connection ends.
func (r *reader) next() string {
	r.t.Helper()
	select {
	case f := <-r.frames:
		return f
	case <-r.done:
		select {
		case f := <-r.frames:
			return f
		default:
		}
		r.t.Fatalf("the connection ended: %v", r.err)
	case <-time.After(5 * time.Second):
		r.t.Fatal("no message within 5 s")
	}
	return ""
}

// nothingFor asserts that no message arrives within d.
func (r *reader) nothingFor(d time.Duration) {
	r.t.Helper()
	select {
	case f := <-r.frames:
		r.t.Fatalf("got %q, want nothing", f)
	case <-time.After(d):
	}
}

// closed waits for the end of the connection, skipping messages, and returns its error.
func (r *reader) closed() error {
	r.t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case <-r.frames:
		case <-r.done:
			return r.err
		case <-timeout:
			r.t.Fatal("the connection did not end within 15 s")
			return nil
		}
	}
}

// closeError waits for the end of the connection and checks its close code and reason.
func (r *reader) closeError(code websocket.StatusCode, reasonPart string) {
	r.t.Helper()
	err := r.closed()
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != code || !strings.Contains(ce.Reason, reasonPart) {
		r.t.Fatalf("the connection ended with %v, want close code %d with a reason containing %q", err, code, reasonPart)
	}
}
