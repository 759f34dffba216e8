package component_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// A WebSocket client that does not answer the close handshake (a suspended laptop, a dead
// network) holds its connection for up to 5 s after the 1001. That wait runs beside the workers'
// stop and does not come out of their share of SHUTDOWN_TIMEOUT: they stop and commit, and the
// process still exits with status 0 once SHUTDOWN_TIMEOUT has passed.
func TestDeafWebSocketClientDoesNotStarveTheWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	const timeout = 2 * time.Second // less than the close handshake's 5 s
	addr := proc.FreeAddr(t)
	all := start(t, map[string]string{
		"DATABASE_URL": pgtest.URL(t), "BROKER": "postgres", "AUTH_JWT_SECRET": secret, "HTTP_ADDR": addr,
		"SHUTDOWN_TIMEOUT": timeout.String(),
	}, "all")
	base := "http://" + addr
	all.WaitReady(t, base)
	alice := newClient(t, base, "alice")
	listening := dialLive(t, "listening client", alice, authHeader)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	deaf, resp, err := websocket.Dial(ctx, "ws://"+addr+"/v1/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + alice.token}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body != nil { // Dial leaves none after a 101; closed for the linter
		_ = resp.Body.Close()
	}
	defer func() { _ = deaf.CloseNow() }() // it never reads, so it never answers the close frame

	all.Stop(t, timeout+time.Second)
	listening.expectClosed(websocket.StatusGoingAway, time.Second)
	if logs := all.Output(); !strings.Contains(logs, `msg="workers stopped"`) {
		t.Errorf("the workers did not stop in time:\n%s", logs)
	}
}
