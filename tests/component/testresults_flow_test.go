package component_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

// quiz is a test with two categories: go (q1, 2 points) and sql (q2, 3 points, multiple choice),
// which a taker may take again and again, with per-question feedback and every attempt counted.
const quiz = `{"title":"Backend basics","max_attempts":null,"feedback":"per_question","stats_count":"all","questions":[
 {"id":"q1","text":"Which keyword starts a goroutine?","kind":"single","category":"go","points":2,
  "options":[{"id":"a","text":"defer"},{"id":"b","text":"go"}],"correct":["b"]},
 {"id":"q2","text":"Which are isolation levels?","kind":"multiple","category":"sql","points":3,
  "options":[{"id":"a","text":"serializable"},{"id":"b","text":"eventual"},{"id":"c","text":"read committed"}],"correct":["a","c"]}]}`

// TestTestResultsOnKafka drives the test-results product over HTTP on PostgreSQL and Kafka, with
// the API, the worker and the relay as separate processes: submissions answer 202 and are
// scored by the result calculator in the background; the analytics group's statistics count
// each once. A malformed message on test_submissions and on test_results_ready, produced
// before anything runs, is parked with its reason by each group that reads it, and the
// messages after it are processed.
func TestTestResultsOnKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	submissions, ready := st.env["KAFKA_TOPIC_TEST_SUBMISSIONS"], st.env["KAFKA_TOPIC_TEST_RESULTS_READY"]
	bad := []*sarama.ProducerMessage{
		rawEvent(submissions, "taskstream.test.submitted", `{"submission_id":`),
		rawEvent(submissions, "taskstream.test.submitted",
			`{"submission_id":"01900000-0000-7000-8000-00000000000a","test_id":"01900000-0000-7000-8000-00000000000b","user_id":"u1","submitted_at":"2026-01-01T00:00:00Z"}`),
		rawEvent(ready, "taskstream.test.scored", `{"submission_id":"x"}`),
	}
	bad[1].Headers = append(bad[1].Headers, sarama.RecordHeader{Key: []byte("ce_id"), Value: []byte("01900000-0000-7000-8000-00000000000c")})
	produce(t, bad)

	relay, relayBase := st.start(t, "relay")
	worker, workerBase := st.start(t, "worker")
	api, base := st.start(t, "api")
	relay.WaitReady(t, relayBase)
	worker.WaitReady(t, workerBase)
	api.WaitReady(t, base)

	owner := newClient(t, base, "owner-"+randomSuffix(t))
	taker := newClient(t, base, "taker-"+randomSuffix(t))
	created := owner.expect("POST", "/v1/tests", quiz, http.StatusCreated)
	testPath := created.header.Get("Location")
	if q := taker.expect("GET", testPath, "", http.StatusOK).raw; strings.Contains(q, `"correct"`) {
		t.Fatalf("the taker sees the answer key: %s", q)
	}

	answers := []string{
		`{"answers":{"q1":["b"],"q2":["a","c"]}}`, // 100%
		`{"answers":{"q1":["b"],"q2":["a"]}}`,     // 40%
		`{"answers":{}}`,                          // 0%
	}
	var locations []string
	for _, a := range answers {
		r := taker.expect("POST", testPath+"/submissions", a, http.StatusAccepted)
		if r.body["status"] != "pending" {
			t.Fatalf("submitted: %s", r.raw)
		}
		locations = append(locations, r.header.Get("Location"))
	}
	want := []float64{100, 40, 0}
	for i, loc := range locations {
		var got response
		eventually(t, 30*time.Second, func() error {
			if got = taker.expect("GET", loc, "", http.StatusOK); got.body["status"] != "scored" {
				return fmt.Errorf("%s is %v", loc, got.body["status"])
			}
			return nil
		})
		result, _ := got.body["result"].(map[string]any)
		if result["percentage"] != want[i] || result["report"] == "" {
			t.Errorf("%s: result %v, want %v%%", loc, result, want[i])
		}
		owner.expect("GET", loc, "", http.StatusNotFound)
	}
	if r := taker.expect("GET", locations[1], "", http.StatusOK); !strings.Contains(r.raw, `"weakest_categories":["sql"]`) {
		t.Errorf("40%% submission: %s", r.raw)
	}

	eventually(t, 30*time.Second, func() error {
		s := owner.expect("GET", testPath+"/stats", "", http.StatusOK)
		if s.body["attempts"] != float64(3) || s.body["median_percentage"] != float64(40) || s.body["mean_percentage"] != float64(46.67) {
			return fmt.Errorf("stats %s", s.raw)
		}
		return nil
	})
	taker.expect("GET", testPath+"/stats", "", http.StatusForbidden)

	// Two groups read test_results_ready (test-analytics and the notification-service's
	// notification-test-results): each parks the malformed message of that topic.
	wantParked := []struct{ topic, handler, reason string }{
		{submissions, "result-calculator", "unexpected EOF"},
		{submissions, "result-calculator", "no submission 01900000-0000-7000-8000-00000000000a is stored"},
		{ready, "test-analytics", `missing required field "test_id"`},
		{ready, "notification-test-results", `missing required field "test_id"`},
	}
	parked := consumeAll(t, st.poisonTopic, len(wantParked))
	for _, w := range wantParked {
		found := false
		for _, m := range parked {
			if header(m, "topic_poisoned") == w.topic && header(m, "handler_poisoned") == w.handler &&
				strings.Contains(header(m, "reason_poisoned"), w.reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("no message of %s parked by %s with a reason mentioning %q", w.topic, w.handler, w.reason)
		}
	}
	for _, p := range []*proc.Process{api, worker, relay} {
		p.Stop(t, stopTimeout)
	}
}

// scoreOne has owner create the quiz and taker submit a sheet worth 40%, and waits until the
// submission is scored and counted in the statistics: the test-results flow on whatever broker
// the process runs.
func scoreOne(t *testing.T, owner, taker *client) {
	t.Helper()
	testPath := owner.expect("POST", "/v1/tests", quiz, http.StatusCreated).header.Get("Location")
	loc := taker.expect("POST", testPath+"/submissions", `{"answers":{"q1":["b"],"q2":["a"]}}`, http.StatusAccepted).header.Get("Location")
	eventually(t, 30*time.Second, func() error {
		r := taker.expect("GET", loc, "", http.StatusOK)
		if result, _ := r.body["result"].(map[string]any); r.body["status"] != "scored" || result["percentage"] != float64(40) {
			return fmt.Errorf("%s: %s", loc, r.raw)
		}
		return nil
	})
	eventually(t, 30*time.Second, func() error {
		if s := owner.expect("GET", testPath+"/stats", "", http.StatusOK); s.body["attempts"] != float64(1) {
			return fmt.Errorf("stats %s", s.raw)
		}
		return nil
	})
}
