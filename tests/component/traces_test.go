package component_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

// TestTaskChangeIsOneTraceInJaeger follows a task change from the HTTP request to its audit
// entry in the local Jaeger (make services-jaeger): the API, the relay and the worker
// run as separate processes exporting over OTLP/HTTP, and the trace the caller started (its
// traceparent) holds the HTTP span, the use case, the transaction, the outbox write, the
// relay's publish, the worker's Kafka consume with the messaging attributes, and the audit's
// transaction, each the child of the hop before it, across the three processes.
func TestTaskChangeIsOneTraceInJaeger(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL, Kafka and Jaeger (make services services-jaeger)")
	}
	t.Parallel()
	needJaeger(t)
	st := newStack(t)
	s := randomSuffix(t)
	relay, relayBase := st.startWith(t, "relay", tracingEnv("relay-"+s))
	worker, workerBase := st.startWith(t, "worker", tracingEnv("worker-"+s))
	api, apiBase := st.startWith(t, "api", tracingEnv("api-"+s))
	for _, p := range []struct {
		p    *proc.Process
		base string
	}{{relay, relayBase}, {worker, workerBase}, {api, apiBase}} {
		p.p.WaitReady(t, p.base)
	}

	traceID, callerSpan := randomHex(t, 16), randomHex(t, 8)
	user := "tracer-" + s
	c := newClient(t, apiBase, user).with("traceparent", "00-"+traceID+"-"+callerSpan+"-01")
	c.expect(http.MethodPost, "/v1/tasks", `{"title":"Follow me"}`, http.StatusCreated)

	events, updates := st.env["KAFKA_TOPIC_TASK_EVENTS"], st.env["KAFKA_TOPIC_TASK_UPDATES"]
	tr := awaitSpans(t, traceID, "POST /v1/tasks", "CreateTask", "INSERT tasks", "INSERT watermill_outbox",
		"send "+events, "process "+events, "RecordTaskEvent", "INSERT inbox", "send "+updates, "process "+updates)

	httpSpan := tr.span("POST /v1/tasks")
	chain := []struct{ child, parent string }{
		{"CreateTask", "POST /v1/tasks"},
		{"INSERT tasks", "CreateTask"},
		{"INSERT watermill_outbox", "INSERT tasks"},
		{"send " + events, "INSERT watermill_outbox"},
		{"process " + events, "send " + events},
		{"RecordTaskEvent", "process " + events},
		{"INSERT inbox", "RecordTaskEvent"},
		{"process " + updates, "send " + updates},
	}
	if got := httpSpan.parent(); got != callerSpan {
		t.Errorf("the HTTP span's parent is %q, want the caller's span %s", got, callerSpan)
	}
	for _, link := range chain {
		if got, want := tr.span(link.child).parent(), tr.span(link.parent).SpanID; got != want {
			t.Errorf("%q is the child of span %q, want %q (%s)", link.child, got, link.parent, want)
		}
	}
	for name, service := range map[string]string{
		"POST /v1/tasks": "api-" + s, "send " + events: "relay-" + s, "process " + events: "worker-" + s, "process " + updates: "api-" + s,
	} {
		if got := tr.service(tr.span(name)); got != service {
			t.Errorf("%q was recorded by %q, want %q", name, got, service)
		}
	}
	if got := httpSpan.tag("http.route"); got != "/v1/tasks" {
		t.Errorf("http.route %q", got)
	}
	consume := tr.span("process " + events)
	for key, want := range map[string]string{
		"messaging.system": "kafka", "messaging.destination.name": events, "messaging.operation.type": "process",
		"messaging.consumer.group.name": st.env["KAFKA_CONSUMER_GROUP_AUDIT"], "messaging.kafka.message.key": user,
	} {
		if got := consume.tag(key); got != want {
			t.Errorf("consume span: %s = %q, want %q", key, got, want)
		}
	}
	for _, key := range []string{"messaging.destination.partition.id", "messaging.kafka.offset"} {
		if consume.tag(key) == "" {
			t.Errorf("consume span: no %s", key)
		}
	}
	t.Run("QuizSubmissionReachesScoringAndNotification", func(t *testing.T) { testQuizTrace(t, st, apiBase, s) })
	t.Run("TodoReachesTheIngest", func(t *testing.T) { testTodoTrace(t, st, apiBase, s) })
	for _, p := range []*proc.Process{api, worker, relay} {
		p.Stop(t, stopTimeout)
	}
}

// A quiz submission's trace goes on through the scoring, whose scored event continues it to the
// analytics and the notification of the user, down to the API's push of the stored notification.
func testQuizTrace(t *testing.T, st stack, apiBase, s string) {
	owner := newClient(t, apiBase, "owner-"+s)
	testPath := owner.expect(http.MethodPost, "/v1/tests", quiz, http.StatusCreated).header.Get("Location")
	traceID := randomHex(t, 16)
	taker := newClient(t, apiBase, "taker-"+s).with("traceparent", "00-"+traceID+"-"+randomHex(t, 8)+"-01")
	taker.expect(http.MethodPost, testPath+"/submissions", `{"answers":{"q1":["b"],"q2":["a","c"]}}`, http.StatusAccepted)

	submissions, ready := st.env["KAFKA_TOPIC_TEST_SUBMISSIONS"], st.env["KAFKA_TOPIC_TEST_RESULTS_READY"]
	created := st.env["KAFKA_TOPIC_NOTIFICATION_CREATED"]
	tr := awaitSpans(t, traceID, "POST /v1/tests/:id/submissions", "SubmitTest", "INSERT test_submissions",
		"send "+submissions, "process "+submissions, "ScoreSubmissions", "UPDATE test_submissions",
		"send "+ready, "RecordTestScore", "NotifyTestScored", "HandleNotificationRequest", "process "+created)
	chain := []struct{ child, parent string }{
		{"process " + submissions, "send " + submissions},
		{"ScoreSubmissions", "process " + submissions},
		{"UPDATE test_submissions", "ScoreSubmissions"},
		{"HandleNotificationRequest", "NotifyTestScored"},
		{"process " + created, "send " + created},
	}
	for _, link := range chain {
		if got, want := tr.span(link.child).parent(), tr.span(link.parent).SpanID; got != want {
			t.Errorf("%q is the child of span %q, want %q (%s)", link.child, got, link.parent, want)
		}
	}
	send := tr.span("send " + ready)
	for _, group := range []string{st.env["KAFKA_CONSUMER_GROUP_ANALYTICS"], st.env["KAFKA_CONSUMER_GROUP_NOTIFICATION"]} {
		consume := tr.spanWith("process "+ready, "messaging.consumer.group.name", group)
		if consume == nil {
			t.Errorf("no %q span of group %s in the trace: %q", "process "+ready, group, tr.names())
			continue
		}
		if consume.parent() != send.SpanID {
			t.Errorf("group %s's consume is not the child of the scored event's publish", group)
		}
	}
	// The stored notification's event is written in the inbox transaction that stores it.
	write := tr.byID(tr.span("send " + created).parent())
	if write == nil || write.OperationName != "INSERT watermill_outbox" || tr.byID(write.parent()) == nil ||
		tr.byID(write.parent()).OperationName != "INSERT inbox" {
		t.Errorf("the notification's event is not written within the inbox transaction: %+v", write)
	}
	notify := tr.spanWith("process "+ready, "messaging.consumer.group.name", st.env["KAFKA_CONSUMER_GROUP_NOTIFICATION"])
	if notify != nil && tr.span("NotifyTestScored").parent() != notify.SpanID {
		t.Error("NotifyTestScored is not the child of the notification-service's consume")
	}
}

// A to-do's trace holds its produce to Kafka and the worker's ingest of the batch that holds it
// (a batch of one here: the child of the produce; a larger batch links to each record's).
func testTodoTrace(t *testing.T, st stack, apiBase, s string) {
	traceID := randomHex(t, 16)
	c := newClient(t, apiBase, "todo-"+s).with("traceparent", "00-"+traceID+"-"+randomHex(t, 8)+"-01")
	c.expect(http.MethodPost, "/v1/todos", `{"title":"Trace the batch"}`, http.StatusAccepted)
	topic := st.todoTopic
	tr := awaitSpans(t, traceID, "POST /v1/todos", "CreateTodo", "send "+topic, "process "+topic, "IngestTodos")
	for _, link := range []struct{ child, parent string }{
		{"send " + topic, "CreateTodo"}, {"process " + topic, "send " + topic}, {"IngestTodos", "process " + topic},
	} {
		if got, want := tr.span(link.child).parent(), tr.span(link.parent).SpanID; got != want {
			t.Errorf("%q is the child of span %q, want %q (%s)", link.child, got, link.parent, want)
		}
	}
	if got := tr.span("send " + topic).tag("span.kind"); got != "producer" {
		t.Errorf("the produce's kind is %q", got)
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
