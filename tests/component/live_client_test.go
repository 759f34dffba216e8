package component_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/taskstream/taskstream/domain/task"
)

// How a live client sends its bearer token on the handshake: the three ways /v1/ws takes.
const (
	authHeader      = "header"
	authSubprotocol = "subprotocol"
	authQuery       = "query"
)

// liveFrame is a message of /v1/ws.
type liveFrame struct {
	Type string       `json:"type"`
	ID   string       `json:"id"`
	Data task.Changed `json:"data"`
}

// liveClient is an open /v1/ws connection whose messages a goroutine reads into frames. When the
// connection ends, frames is closed and err says why.
type liveClient struct {
	t      *testing.T
	name   string
	conn   *websocket.Conn
	frames chan liveFrame
	err    error // set before frames is closed

	seen    map[string]bool // event ids received: delivery is at least once
	ignored map[string]bool // task ids whose frames next skips (warm-up tasks)
}

// dialLive opens /v1/ws on the API at base as c's user, authenticated the way auth says, and
// closes the connection when the test ends.
func dialLive(t *testing.T, name string, c *client, auth string) *liveClient {
	t.Helper()
	u := "ws" + strings.TrimPrefix(c.base, "http") + "/v1/ws"
	opts := &websocket.DialOptions{}
	switch auth {
	case authHeader:
		opts.HTTPHeader = http.Header{"Authorization": {"Bearer " + c.token}}
	case authSubprotocol:
		opts.Subprotocols = []string{"bearer", c.token}
	case authQuery:
		u += "?access_token=" + url.QueryEscape(c.token)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, u, opts)
	if err != nil {
		t.Fatalf("%s: dial %s (%s): %v", name, u, auth, err)
	}
	if resp.Body != nil { // Dial leaves none after a 101; closed for the linter
		_ = resp.Body.Close()
	}
	if auth == authSubprotocol && conn.Subprotocol() != "bearer" {
		t.Errorf("%s: the server selected subprotocol %q, want bearer", name, conn.Subprotocol())
	}
	lc := &liveClient{t: t, name: name, conn: conn, frames: make(chan liveFrame, 256),
		seen: map[string]bool{}, ignored: map[string]bool{}}
	go lc.read()
	t.Cleanup(func() { _ = conn.CloseNow() })
	return lc
}

func (c *liveClient) read() {
	defer close(c.frames)
	for {
		typ, data, err := c.conn.Read(context.Background())
		if err != nil {
			c.err = err
			return
		}
		var f liveFrame
		if err := json.Unmarshal(data, &f); err != nil || typ != websocket.MessageText {
			c.t.Errorf("%s: message %q (type %v) is not a JSON frame: %v", c.name, data, typ, err)
			continue
		}
		c.frames <- f
	}
}

// errNoFrame says that no frame came in time, on a connection that is still open.
var errNoFrame = errors.New("no frame")

// next returns the next task.changed frame not seen before (by event id) and not of an ignored
// task. The error says why there is none: nothing came within timeout, or the connection ended.
func (c *liveClient) next(timeout time.Duration) (liveFrame, error) {
	deadline := time.After(timeout)
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				return liveFrame{}, fmt.Errorf("the connection ended: %w", c.err)
			}
			if c.seen[f.ID] || c.ignored[f.Data.TaskID] {
				continue
			}
			c.seen[f.ID] = true
			if f.Type != "task.changed" || f.ID == "" {
				c.t.Errorf("%s: frame %+v: want type task.changed and an event id", c.name, f)
			}
			return f, nil
		case <-deadline:
			return liveFrame{}, fmt.Errorf("%w within %s", errNoFrame, timeout)
		}
	}
}

// expect reads the client's next frames and checks that they are exactly want, in order.
func (c *liveClient) expect(want []change) {
	c.t.Helper()
	for i, w := range want {
		f, err := c.next(30 * time.Second)
		if err != nil {
			c.t.Fatalf("%s: got %d of %d frames, then %v; missing %s", c.name, i, len(want), err, w)
		}
		w.check(c.t, c.name, f)
	}
}

// expectQuiet checks that no frame arrives until deadline.
func (c *liveClient) expectQuiet(deadline time.Time) {
	c.t.Helper()
	switch f, err := c.next(time.Until(deadline)); {
	case err == nil:
		c.t.Errorf("%s: unexpected frame %+v", c.name, f)
	case !errors.Is(err, errNoFrame):
		c.t.Errorf("%s: %v", c.name, err)
	}
}

// expectClosed waits until the server ends the connection and checks its close code.
func (c *liveClient) expectClosed(code websocket.StatusCode, timeout time.Duration) {
	c.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-c.frames:
			if ok {
				continue
			}
			if got := websocket.CloseStatus(c.err); got != code {
				c.t.Errorf("%s: connection ended with %v (close code %d), want close code %d", c.name, c.err, got, code)
			}
			return
		case <-deadline:
			c.t.Errorf("%s: still open %s later, want close code %d", c.name, timeout, code)
			return
		}
	}
}
