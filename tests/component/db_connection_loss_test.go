package component_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
)

// A database connection that ends under a request is a 503 with Retry-After, never a 500, and a
// commit whose answer was lost says that sending the same request again is safe, which it is: the
// API's pool goes through a proxy that drops its connection on cue. (Kafka carries the events,
// so that the API's only transactions on the database are the requests'.)
func TestLostDatabaseConnectionIsServiceUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	proxy := pgtest.NewProxy(t, st.env["DATABASE_URL"])
	api, base := st.startWith(t, "api", map[string]string{"DATABASE_URL": proxy.URL()})
	api.WaitReady(t, base)
	alice := newClient(t, base, "alice-"+randomSuffix(t))
	const body = `{"title":"Pay the invoice"}`

	proxy.DropBefore("begin")
	unavailable(t, alice.with("Idempotency-Key", "k0").do(http.MethodPost, "/v1/tasks", body), "")

	// The commit is carried out and its answer lost: the retry with the same key finds the task.
	keyed := alice.with("Idempotency-Key", "k1")
	proxy.DropAfter("commit")
	unavailable(t, keyed.do(http.MethodPost, "/v1/tasks", body), "Idempotency-Key")
	created := keyed.expect(http.MethodPost, "/v1/tasks", body, http.StatusOK)
	path := created.header.Get("Location")

	// The same for a change: the retry with the same If-Match learns that it was applied.
	proxy.DropAfter("commit")
	unavailable(t, alice.with("If-Match", `"1"`).do(http.MethodPatch, path, `{"title":"Pay it"}`), "If-Match")
	alice.with("If-Match", `"1"`).expect(http.MethodPatch, path, `{"title":"Pay it"}`, http.StatusPreconditionFailed)
	if got := alice.expect(http.MethodGet, path, "", http.StatusOK); got.body["title"] != "Pay it" || got.body["version"] != 2.0 {
		t.Errorf("after the lost commit: %s", got.raw)
	}
	api.Stop(t, stopTimeout)
}

// unavailable checks that r is a 503 problem with Retry-After whose detail mentions advice.
func unavailable(t *testing.T, r response, advice string) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
		r.body["type"] != "https://taskstream.dev/problems/unavailable" {
		t.Fatalf("status %d, Retry-After %q: %s; want 503 with Retry-After", r.status, r.header.Get("Retry-After"), r.raw)
	}
	if detail, _ := r.body["detail"].(string); !strings.Contains(detail, advice) {
		t.Errorf("detail %q does not mention %s", detail, advice)
	}
}
