package component_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The local Jaeger (scripts/services.sh jaeger, or observability): OTLP/HTTP in, the query API out.
func otlpEndpoint() string { return envOr("OTEL_TEST_OTLP_ENDPOINT", "http://127.0.0.1:4318") }
func jaegerQuery() string  { return envOr("JAEGER_QUERY_URL", "http://127.0.0.1:16686") }

// needJaeger fails the test (it is not skipped: make test starts Jaeger) when the query API
// does not answer.
func needJaeger(t *testing.T) {
	t.Helper()
	resp, err := http.Get(jaegerQuery() + "/api/services")
	if err != nil {
		t.Fatalf("Jaeger's query API at %s does not answer (start it: make services-jaeger): %v", jaegerQuery(), err)
	}
	_ = resp.Body.Close()
}

// tracingEnv makes a process export every span to the local Jaeger at once, as service.
func tracingEnv(service string) map[string]string {
	return map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": otlpEndpoint(),
		"OTEL_SERVICE_NAME":           service,
		"OTEL_TRACES_SAMPLER":         "parentbased_always_on",
		"OTEL_BSP_SCHEDULE_DELAY":     "100",
	}
}

// jaegerTrace is a trace as Jaeger's query API returns it (/api/traces/{id}).
type jaegerTrace struct {
	TraceID   string                   `json:"traceID"`
	Spans     []jaegerSpan             `json:"spans"`
	Processes map[string]jaegerProcess `json:"processes"`
}

type jaegerSpan struct {
	TraceID       string      `json:"traceID"`
	SpanID        string      `json:"spanID"`
	OperationName string      `json:"operationName"`
	References    []jaegerRef `json:"references"`
	Tags          []jaegerTag `json:"tags"`
	ProcessID     string      `json:"processID"`
}

type jaegerRef struct {
	RefType string `json:"refType"`
	TraceID string `json:"traceID"`
	SpanID  string `json:"spanID"`
}

type jaegerTag struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

type jaegerProcess struct {
	ServiceName string      `json:"serviceName"`
	Tags        []jaegerTag `json:"tags"`
}

// fetchTrace returns the trace id as Jaeger holds it now.
func fetchTrace(id string) (jaegerTrace, error) {
	resp, err := http.Get(jaegerQuery() + "/api/traces/" + id)
	if err != nil {
		return jaegerTrace{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return jaegerTrace{}, fmt.Errorf("GET /api/traces/%s: %s", id, resp.Status)
	}
	var body struct {
		Data []jaegerTrace `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return jaegerTrace{}, err
	}
	if len(body.Data) != 1 {
		return jaegerTrace{}, fmt.Errorf("trace %s: %d traces in the answer", id, len(body.Data))
	}
	return body.Data[0], nil
}

// awaitSpans polls Jaeger until trace id holds a span of every name in want, and returns it.
func awaitSpans(t *testing.T, id string, want ...string) jaegerTrace {
	t.Helper()
	var tr jaegerTrace
	eventually(t, 30*time.Second, func() error {
		var err error
		if tr, err = fetchTrace(id); err != nil {
			return err
		}
		var missing []string
		for _, name := range want {
			if tr.span(name) == nil {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("trace %s lacks spans %q; has %q", id, missing, tr.names())
		}
		return nil
	})
	return tr
}

func (tr jaegerTrace) span(name string) *jaegerSpan {
	for i := range tr.Spans {
		if tr.Spans[i].OperationName == name {
			return &tr.Spans[i]
		}
	}
	return nil
}

// byID is the span id of the trace, or nil.
func (tr jaegerTrace) byID(id string) *jaegerSpan {
	for i := range tr.Spans {
		if tr.Spans[i].SpanID == id {
			return &tr.Spans[i]
		}
	}
	return nil
}

// spanWith is the first span called name whose attribute key is value, or nil.
func (tr jaegerTrace) spanWith(name, key, value string) *jaegerSpan {
	for i := range tr.Spans {
		if tr.Spans[i].OperationName == name && tr.Spans[i].tag(key) == value {
			return &tr.Spans[i]
		}
	}
	return nil
}

func (tr jaegerTrace) names() []string {
	names := make([]string, 0, len(tr.Spans))
	for _, s := range tr.Spans {
		names = append(names, s.OperationName)
	}
	return names
}

// service is the service name of the process that recorded s.
func (tr jaegerTrace) service(s *jaegerSpan) string { return tr.Processes[s.ProcessID].ServiceName }

// parent is the span s is the child of, or "".
func (s *jaegerSpan) parent() string {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" {
			return r.SpanID
		}
	}
	return ""
}

// tag is the value of s's attribute key as text, or "".
func (s *jaegerSpan) tag(key string) string {
	for _, tg := range s.Tags {
		if tg.Key == key {
			return strings.TrimSpace(fmt.Sprint(tg.Value))
		}
	}
	return ""
}
