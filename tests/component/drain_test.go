package component_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// testDrainDelay is the SHUTDOWN_DRAIN_DELAY of the drain tests: long enough to probe and send
// requests within it, short enough for the suite.
const testDrainDelay = 1500 * time.Millisecond

// startDrainingAPI starts `taskstream api` on PostgreSQL alone with /readyz on METRICS_ADDR and
// the given drain delay, waits until it is ready and returns it with its API and ops bases.
func startDrainingAPI(t *testing.T, delay time.Duration) (*proc.Process, string, string) {
	t.Helper()
	addr, ops := proc.FreeAddr(t), proc.FreeAddr(t)
	api := start(t, map[string]string{
		"DATABASE_URL": pgtest.URL(t), "BROKER": "postgres", "AUTH_JWT_SECRET": secret,
		"HTTP_ADDR": addr, "METRICS_ADDR": ops, "SHUTDOWN_DRAIN_DELAY": delay.String(), "SHUTDOWN_TIMEOUT": "10s",
	}, "api")
	opsBase := "http://" + ops
	api.WaitReady(t, opsBase)
	return api, "http://" + addr, opsBase
}

// A rolling restart loses nothing and resets nothing. On SIGTERM, `taskstream api` goes on
// serving for SHUTDOWN_DRAIN_DELAY while /readyz says 503 at once (not after its one-second
// cache), so a load balancer stops sending; its WebSocket clients are told to go (1001) only
// after the drain; then new connections are refused, and 16 clients that kept sending across
// all of it got an answer to every request: none was reset or cut off, the connections the
// kernel had completed included.
func TestSIGTERMDrainsBeforeTheAPIStops(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	api, base, opsBase := startDrainingAPI(t, testDrainDelay)
	alice := newClient(t, base, "alice-"+randomSuffix(t))
	live := dialLive(t, "alice", alice, authHeader)
	// Another user: alice's live client is not read until the drain, and the frames of the
	// load's tasks would fill it and have it closed as a slow one.
	crowd := startLoad(t, base, newClient(t, base, "crowd-"+randomSuffix(t)).token, 16, 10*time.Second)
	time.Sleep(1100 * time.Millisecond) // load on kept-alive connections; /readyz's cache runs out

	if status, body := readyz(t, opsBase); status != http.StatusOK {
		t.Fatalf("/readyz before SIGTERM: %d %s", status, body) // a fresh run, cached for a second
	}
	cached := time.Now()
	api.Signal(t, syscall.SIGTERM)
	sigterm := time.Now()
	drained := sigterm.Add(testDrainDelay)

	status, body := readyz(t, opsBase)
	for status == http.StatusOK && time.Since(cached) < 2*time.Second {
		time.Sleep(10 * time.Millisecond)
		status, body = readyz(t, opsBase)
	}
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"draining":"fail"`) {
		t.Errorf("/readyz after SIGTERM: %d %s, want 503 with the draining check failed", status, body)
	} else if late := time.Since(cached); late > 800*time.Millisecond { // the cached 200 answers for a second
		t.Errorf("/readyz said 503 %s after its last 200, want at once, not when its cache runs out", late)
	}
	alice.expect(http.MethodGet, "/v1/todos", "", http.StatusOK)
	if time.Now().After(drained) {
		t.Errorf("the checks during the drain took longer than the drain (%s)", testDrainDelay)
	}
	live.expectQuiet(drained.Add(-100 * time.Millisecond)) // still open: 1001 comes after the drain
	live.expectClosed(websocket.StatusGoingAway, 5*time.Second)

	refusedAt := waitRefused(t, strings.TrimPrefix(base, "http://"), 10*time.Second)
	if refusedAt.Before(drained) {
		t.Errorf("a connection was refused %s after SIGTERM, before the drain of %s ended", refusedAt.Sub(sigterm), testDrainDelay)
	}
	api.Wait(t, 15*time.Second)
	crowd.wait()
	checkLoadAcrossTheDrain(t, crowd, sigterm, drained)
}

// checkLoadAcrossTheDrain: every request got an answer, but those of clients refused after the
// drain; the clients were answered before SIGTERM and during the drain.
func checkLoadAcrossTheDrain(t *testing.T, crowd *load, sigterm, drained time.Time) {
	t.Helper()
	for _, err := range crowd.failed {
		t.Errorf("a request ended without an answer: %v", err)
	}
	for _, at := range crowd.refused {
		if at.Before(drained) {
			t.Errorf("a client was refused %s after SIGTERM, during the drain", at.Sub(sigterm))
		}
	}
	before, during := crowd.answeredBetween(time.Time{}, sigterm), crowd.answeredBetween(sigterm, drained)
	t.Logf("answers: %d before SIGTERM, %d during the drain, %d after it; %d clients refused after the drain",
		before, during, len(crowd.answered)-before-during, len(crowd.refused))
	if before == 0 || during == 0 {
		t.Errorf("the load was not served across the drain: %d answers before SIGTERM, %d during the drain", before, during)
	}
}

// A second SIGTERM or SIGINT during the drain skips the rest of it: the operator wants the
// process gone now.
func TestSecondSignalSkipsTheDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	api, _, opsBase := startDrainingAPI(t, time.Minute)
	api.Signal(t, syscall.SIGTERM)
	eventually(t, 5*time.Second, func() error {
		if status, body := readyz(t, opsBase); status != http.StatusServiceUnavailable {
			return fmt.Errorf("/readyz: %d %s", status, body)
		}
		return nil
	})
	api.Signal(t, syscall.SIGINT)
	api.Wait(t, 10*time.Second) // not a minute
}

// readyz returns the status and body of GET /readyz at base.
func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitRefused dials addr until the connection is refused, and returns when it first was.
func waitRefused(t *testing.T, addr string, timeout time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if errors.Is(err, syscall.ECONNREFUSED) {
			return time.Now()
		}
		if err == nil {
			_ = conn.Close()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s still took connections %s later", addr, timeout)
	return time.Time{}
}
