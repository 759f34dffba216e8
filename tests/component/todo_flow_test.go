package component_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

func TestTodoFlowOnPostgresAndKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	all, base := st.start(t, "all")
	all.WaitReady(t, base)
	alice, bob := newClient(t, base, "alice-"+randomSuffix(t)), newClient(t, base, "bob-"+randomSuffix(t))

	created := alice.expect("POST", "/v1/todos", `{"title":"  Buy milk ","description":"two litres"}`, http.StatusAccepted)
	loc := created.header.Get("Location")
	id, _ := created.body["id"].(string)
	if id == "" || loc != "/v1/todos/"+id {
		t.Fatalf("202 answer: id %q, Location %q", id, loc)
	}

	var got response
	eventually(t, 15*time.Second, func() error {
		got = alice.do("GET", loc, "")
		if got.status != http.StatusOK {
			return fmt.Errorf("GET %s: %d %s", loc, got.status, got.raw)
		}
		return nil
	})
	if got.body["title"] != "Buy milk" || got.body["description"] != "two litres" || got.body["completed"] != false {
		t.Errorf("stored to-do = %v", got.body)
	}
	if got.body["created_at"] != created.body["created_at"] {
		t.Errorf("created_at: stored %v, accepted %v", got.body["created_at"], created.body["created_at"])
	}

	// Another user never sees it.
	bob.expect("GET", loc, "", http.StatusNotFound)
	bob.expect("PATCH", loc, `{"completed":true}`, http.StatusNotFound)
	bob.expect("DELETE", loc, "", http.StatusNotFound)
	if items := bob.expect("GET", "/v1/todos", "", http.StatusOK).body["items"].([]any); len(items) != 0 {
		t.Errorf("bob sees %d to-dos", len(items))
	}

	patched := alice.expect("PATCH", loc, `{"completed":true,"title":"Buy oat milk"}`, http.StatusOK)
	if patched.body["completed"] != true || patched.body["title"] != "Buy oat milk" {
		t.Errorf("patched = %v", patched.body)
	}
	done := alice.expect("GET", "/v1/todos?completed=true", "", http.StatusOK).body["items"].([]any)
	open := alice.expect("GET", "/v1/todos?completed=false", "", http.StatusOK).body["items"].([]any)
	if len(done) != 1 || len(open) != 0 {
		t.Errorf("completed filter: %d done, %d open", len(done), len(open))
	}

	alice.expect("DELETE", loc, "", http.StatusNoContent)
	alice.expect("GET", loc, "", http.StatusNotFound)

	checkOperations(t, base)
	all.Stop(t, stopTimeout)
}

// checkOperations looks at the unauthenticated operator endpoints of a running instance.
func checkOperations(t *testing.T, base string) {
	t.Helper()
	ready := get(t, base+"/readyz")
	mustContain(t, ready, `"kafka":"ok"`)
	mustContain(t, ready, `"postgres":"ok"`)
	metrics := get(t, base+"/metrics")
	mustContain(t, metrics, `http_requests_total{method="POST",route="/v1/todos",status="202"}`)
	mustContain(t, metrics, `taskstream_messages_handled_total{handler="todo-ingest",outcome="processed"}`)
	mustContain(t, get(t, base+"/openapi.json"), `"openapi"`)
	mustContain(t, get(t, base+"/healthz"), "ok")
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func TestAPIAndWorkerAsSeparateProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	worker, workerBase := st.start(t, "worker")
	api, base := st.start(t, "api")
	api.WaitReady(t, base)
	worker.WaitReady(t, workerBase) // the worker answers the probes on its own HTTP_ADDR
	alice := newClient(t, base, "alice")
	ids := make([]string, 0, 20)
	for i := range 20 {
		r := alice.expect("POST", "/v1/todos", fmt.Sprintf(`{"title":"to-do %d"}`, i), http.StatusAccepted)
		ids = append(ids, r.body["id"].(string))
	}
	// A client that retries with its Idempotency-Key (as after a timeout) names one to-do,
	// which goes through Kafka twice and is stored once.
	retrying := alice.with("Idempotency-Key", "retry-"+randomSuffix(t))
	retried := retrying.expect("POST", "/v1/todos", `{"title":"retried"}`, http.StatusAccepted).body["id"]
	if again := retrying.expect("POST", "/v1/todos", `{"title":"retried"}`, http.StatusAccepted).body["id"]; again != retried {
		t.Fatalf("the retry got id %v, the first attempt %v", again, retried)
	}
	ids = append(ids, retried.(string))
	eventually(t, 20*time.Second, func() error {
		items := alice.expect("GET", "/v1/todos?limit=50", "", http.StatusOK).body["items"].([]any)
		if len(items) != len(ids) {
			return fmt.Errorf("%d of %d to-dos stored", len(items), len(ids))
		}
		return nil
	})
	// Newest first.
	first := alice.expect("GET", "/v1/todos?limit=1", "", http.StatusOK)
	if got := first.body["items"].([]any)[0].(map[string]any)["id"]; got != ids[len(ids)-1] {
		t.Errorf("first item %v, want the newest %s", got, ids[len(ids)-1])
	}
	// The worker's /metrics counts what it stored; it serves no API.
	// Both events of the retried to-do were handled, and it is still stored once.
	eventually(t, 10*time.Second, func() error {
		// At least 22: a rebalance may replay a batch, which counts again.
		const metric = `taskstream_messages_handled_total{handler="todo-ingest",outcome="processed"} `
		_, value, _ := strings.Cut(get(t, workerBase+"/metrics"), metric)
		value, _, _ = strings.Cut(value, "\n")
		if n, err := strconv.ParseFloat(value, 64); err != nil || n < 22 {
			return fmt.Errorf("the worker counted %q processed messages, want at least 22", value)
		}
		return nil
	})
	if items := alice.expect("GET", "/v1/todos?limit=50", "", http.StatusOK).body["items"].([]any); len(items) != len(ids) {
		t.Errorf("%d to-dos stored for %d distinct ids", len(items), len(ids))
	}
	if resp, err := http.Get(workerBase + "/v1/todos"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("the worker answered GET /v1/todos with %v, %v; want 404", resp, err)
	} else {
		_ = resp.Body.Close()
	}
	api.Stop(t, stopTimeout)
	worker.Stop(t, stopTimeout)
}

func TestEmbeddedDefault(t *testing.T) {
	t.Parallel()
	addr := proc.FreeAddr(t)
	all := start(t, map[string]string{"HTTP_ADDR": addr})
	base := "http://" + addr
	all.WaitReady(t, base)
	logs := all.Output()
	mustContain(t, logs, "NOTHING SURVIVES A RESTART")
	_, after, ok := strings.Cut(logs, "token=")
	if !ok {
		t.Fatalf("no ready-to-use token in the log:\n%s", logs)
	}
	demo := &client{t: t, base: base, token: strings.Fields(after)[0]}
	created := demo.expect("POST", "/v1/todos", `{"title":"try taskstream"}`, http.StatusAccepted)
	loc := created.header.Get("Location")
	eventually(t, 5*time.Second, func() error {
		if r := demo.do("GET", loc, ""); r.status != http.StatusOK {
			return fmt.Errorf("GET %s: %d", loc, r.status)
		}
		return nil
	})
	scoreOne(t, demo, demo)
	all.Stop(t, stopTimeout)
}
