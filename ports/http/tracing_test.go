package httpport_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/tracing/tracingtest"
)

// inTrace reports whether got is a valid traceparent of the same trace as caller, sampled
// alike: the events of a request carry its span's context (tracing on) or the caller's (off).
func inTrace(got, caller string) bool {
	return regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`).MatchString(got) &&
		got[3:35] == caller[3:35] && got[53:] == caller[53:]
}

// A request's server span is named by its method and route and is the child of the caller's
// traceparent; the event the request publishes carries the server span's context, and the logs
// written within it name the trace and the span.
func TestRequestIsTracedFromTheCallersTraceparent(t *testing.T) {
	t.Parallel()
	tracingtest.Install()
	f := newFixture(t, fixtureOptions{})
	const traceID, callerSpan = "5bf92f3577b34da6a3ce929d0e0e4736", "10f067aa0ba902b7"
	rec := f.do(request{method: http.MethodPost, path: "/v1/todos", user: "alice", body: `{"title":"Trace me"}`,
		headers: map[string]string{"traceparent": "00-" + traceID + "-" + callerSpan + "-01"}})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	id, _ := trace.TraceIDFromHex(traceID)
	servers := tracingtest.Named(id, "POST /v1/todos")
	if len(servers) != 1 {
		t.Fatalf("%d server spans in the trace, want 1", len(servers))
	}
	server := servers[0]
	if server.Parent().SpanID().String() != callerSpan || !server.Parent().IsRemote() {
		t.Errorf("server span's parent = %s, want the caller's %s", server.Parent().SpanID(), callerSpan)
	}
	if server.SpanKind() != trace.SpanKindServer {
		t.Errorf("server span kind = %s", server.SpanKind())
	}
	attrs := map[string]string{}
	for _, kv := range server.Attributes() {
		attrs[string(kv.Key)] = kv.Value.String()
	}
	if attrs["http.route"] != "/v1/todos" || attrs["http.request.method"] != "POST" || attrs["http.response.status_code"] != "202" {
		t.Errorf("server span attributes = %v", attrs)
	}
	events := f.events.published()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	if want := "00-" + traceID + "-" + server.SpanContext().SpanID().String() + "-01"; events[0].meta.TraceParent != want {
		t.Errorf("event traceparent = %q, want the server span's %q", events[0].meta.TraceParent, want)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, `"trace_id":"`+traceID+`"`) || !strings.Contains(logs, `"span_id":"`) {
		t.Errorf("no log line names the trace: %s", logs)
	}
}
