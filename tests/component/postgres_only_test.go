package component_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// With BROKER=postgres the relay is not needed and the whole product works on PostgreSQL alone:
// `taskstream all` with DATABASE_URL and no Kafka stores to-dos, answers task changes, records
// them in the history (the audit consumer on watermill-sql), pushes them to the owner's
// WebSocket and scores test submissions, and SIGTERM closes that WebSocket with 1001 and ends the process with status 0.
func TestWholeProductOnPostgresAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	addr := proc.FreeAddr(t)
	env := map[string]string{
		"DATABASE_URL": pgtest.URL(t), "BROKER": "postgres", "AUTH_JWT_SECRET": secret, "HTTP_ADDR": addr,
		"SHUTDOWN_TIMEOUT": shutdownTimeout.String(), "TODO_BATCH_LINGER": "20ms",
	}
	if _, stderr, err := execCLI(env, "relay"); err == nil || !strings.Contains(stderr, "with BROKER=postgres no relay runs") {
		t.Errorf("taskstream relay with BROKER=postgres: %v, %s", err, stderr)
	}
	all := start(t, env, "all")
	base := "http://" + addr
	all.WaitReady(t, base)
	if ready := get(t, base+"/readyz"); !strings.Contains(ready, `"postgres":"ok"`) || strings.Contains(ready, "kafka") {
		t.Errorf("/readyz on PostgreSQL alone: %s", ready)
	}

	alice, bob := newClient(t, base, "alice-"+randomSuffix(t)), newClient(t, base, "bob-"+randomSuffix(t))
	a := dialLive(t, "alice", alice, authSubprotocol)
	b := dialLive(t, "bob", bob, authQuery)
	warmUp(t, alice, a)
	run := lifecycle(t, alice)
	run.delete(alice, `"2"`)
	a.expect(run.changes)
	b.expectQuiet(time.Now().Add(time.Second))
	eventually(t, 30*time.Second, func() error { return run.checkHistory(alice) })
	bob.expect(http.MethodGet, run.path()+"/history", "", http.StatusNotFound)

	loc := alice.expect(http.MethodPost, "/v1/todos", `{"title":"Buy milk"}`, http.StatusAccepted).header.Get("Location")
	eventually(t, 15*time.Second, func() error {
		if r := alice.do(http.MethodGet, loc, ""); r.status != http.StatusOK {
			return fmt.Errorf("GET %s: %d %s", loc, r.status, r.raw)
		}
		return nil
	})
	scoreOne(t, alice, bob)

	all.Stop(t, shutdownTimeout)
	a.expectClosed(websocket.StatusGoingAway, time.Second)
}
