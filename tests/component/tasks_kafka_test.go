package component_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

// shutdownTimeout is the SHUTDOWN_TIMEOUT of the task tests' processes: SIGTERM must end them
// with status 0 within it.
const shutdownTimeout = 10 * time.Second

// TestTasksOnKafka deploys the task product as on Kafka: one outbox relay, one worker (to-do
// ingest and the audit trail) and two API instances on one database, on fresh topics and groups,
// and drives it over HTTP and WebSocket. The subtests share the processes but not their users;
// the last one stops API instance 1. The relay and the worker are told of an identity provider
// where nothing listens: only the API checks tokens, so they start and do their work anyway.
func TestTasksOnKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["SHUTDOWN_TIMEOUT"] = shutdownTimeout.String()
	noIdentityProvider := map[string]string{
		"AUTH_JWKS_URL":     "http://" + proc.FreeAddr(t) + "/.well-known/jwks.json",
		"AUTH_JWT_AUDIENCE": "taskstream", "AUTH_JWT_ISSUER": "https://id.example/", // required with AUTH_JWKS_URL
	}
	relay, relayBase := st.startWith(t, "relay", noIdentityProvider)
	worker, workerBase := st.startWith(t, "worker", noIdentityProvider)
	api1, base1 := st.start(t, "api")
	api2, base2 := st.start(t, "api")
	relay.WaitReady(t, relayBase)
	worker.WaitReady(t, workerBase)
	api1.WaitReady(t, base1)
	api2.WaitReady(t, base2)

	t.Run("LiveUpdatesReachEveryInstance", func(t *testing.T) { testLiveUpdatesAcrossInstances(t, base1, base2) })
	t.Run("TaskFlowWithHistory", func(t *testing.T) { testTaskFlowWithHistory(t, base1, base2) })
	t.Run("SIGTERMClosesWebSocketsWithGoingAway", func(t *testing.T) { testGoingAway(t, api1, base1) })
	for _, p := range []*proc.Process{api2, worker, relay} {
		p.Stop(t, shutdownTimeout)
	}
}

// Every API instance pushes every change of a user to that user's connections on it, whichever
// instance answered the change, and never another user's: alice has a connection on each
// instance, bob one on instance 2.
func testLiveUpdatesAcrossInstances(t *testing.T, base1, base2 string) {
	alice1 := newClient(t, base1, "alice-"+randomSuffix(t))
	alice2 := alice1.at(base2)
	bob := newClient(t, base2, "bob-"+randomSuffix(t))
	a1 := dialLive(t, "alice on api 1", alice1, authHeader)
	a2 := dialLive(t, "alice on api 2", alice2, authSubprotocol)
	b := dialLive(t, "bob on api 2", bob, authQuery)
	warmUp(t, alice1, a1, a2)
	warmUp(t, bob, b)

	report := lifecycle(t, alice1, alice2)
	report.delete(alice2, `"1"`)
	call := createTask(t, alice2, `{"title":"Call the bank","priority":"urgent"}`)
	bobs := createTask(t, bob, `{"title":"Bob's task"}`)
	bobs.change(bob.at(base1), "completed", http.MethodPost, "/complete", "", "status")

	alices := slices.Concat(report.changes, call.changes)
	a1.expect(alices)
	a2.expect(alices)
	b.expect(bobs.changes)
	// Alice's changes reached instance 2 before bob's last one was made: had one of them been
	// sent to bob, it would be there by now.
	quiet := time.Now().Add(time.Second)
	for _, c := range []*liveClient{a1, a2, b} {
		c.expectQuiet(quiet)
	}
}

// A task's changes, made on either instance with If-Match, are in its history (the audit worker
// reads them from Kafka, where the relay put them) in version order, also after its deletion;
// another user gets 404 for the task and its history.
func testTaskFlowWithHistory(t *testing.T, base1, base2 string) {
	carol := newClient(t, base1, "carol-"+randomSuffix(t))
	dave := newClient(t, base2, "dave-"+randomSuffix(t))
	run := lifecycle(t, carol, carol.at(base2))
	dave.expect(http.MethodGet, run.path(), "", http.StatusNotFound)
	dave.expect(http.MethodPatch, run.path(), `{"title":"not mine"}`, http.StatusNotFound)
	eventually(t, 30*time.Second, func() error { return run.checkHistory(carol) })

	run.delete(carol.at(base2), `"3"`)
	eventually(t, 30*time.Second, func() error { return run.checkHistory(carol.at(base2)) })
	dave.expect(http.MethodGet, run.path()+"/history", "", http.StatusNotFound)
	dave.at(base1).expect(http.MethodGet, run.path()+"/history", "", http.StatusNotFound)
}

// SIGTERM on an API instance tells its WebSocket clients to go (1001 Going Away) and ends the
// process with status 0 within SHUTDOWN_TIMEOUT.
func testGoingAway(t *testing.T, api *proc.Process, base string) {
	erin := newClient(t, base, "erin-"+randomSuffix(t))
	lc := dialLive(t, "erin on api 1", erin, authHeader)
	began := time.Now()
	api.Stop(t, shutdownTimeout)
	t.Logf("api 1 exited %s after SIGTERM", time.Since(began).Round(time.Millisecond))
	lc.expectClosed(websocket.StatusGoingAway, time.Second)
}
