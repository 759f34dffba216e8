package httpport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/tracing"
)

// BenchmarkTracingOff is the cost of tracing when it is off (no OTEL_EXPORTER_OTLP_ENDPOINT,
// so the global tracer provider is OpenTelemetry's no-op): a request through a gin engine with
// the request-span middleware and a use-case span, against the same engine without either.
// docs/performance.md records the difference. Run it alone (go test -run '^$' -bench
// TracingOff ./ports/http/): a test that installs a recording provider first would measure
// tracing on.
func BenchmarkTracingOff(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	body := `{"title":"Buy milk","description":"two litres"}`
	handler := func(traced bool) gin.HandlerFunc {
		return func(c *gin.Context) {
			ctx := c.Request.Context()
			if traced { // the use case's span, as decorator.Tracer starts it
				var span trace.Span
				ctx, span = tracing.Tracer().Start(ctx, "CreateTodo")
				if span.IsRecording() {
					b.Fatal("the global tracer provider records: this benchmark measures tracing off")
				}
				defer span.End()
			}
			_ = ctx
			c.Status(http.StatusAccepted)
		}
	}
	for _, tc := range []struct {
		name   string
		traced bool
	}{{"without spans", false}, {"request and use-case spans, tracing off", true}} {
		b.Run(tc.name, func(b *testing.B) {
			r := gin.New()
			if tc.traced {
				r.Use(traceRequests())
			}
			r.POST("/v1/todos", handler(tc.traced))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/v1/todos", strings.NewReader(body))
				req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
				w := httptest.NewRecorder()
				r.ServeHTTP(w, req)
				if w.Code != http.StatusAccepted {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
