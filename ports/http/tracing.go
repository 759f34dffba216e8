package httpport

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/tracing"
)

// traceRequests starts the server span of each request, named by OpenTelemetry's HTTP
// conventions ("PATCH /v1/tasks/:id": the method and gin's route, never the raw path, which
// holds ids) and the child of the caller's W3C traceparent when it sent a valid one. The use
// cases, the transactions and the events of the request continue its trace. Without a tracer
// provider (tracing off) the span records nothing and only carries the caller's context on, so
// the attributes are built only for a recording span, and a request with no context to carry
// keeps its own: tracing off costs a header lookup and a no-op span, not allocations per request.
func traceRequests() gin.HandlerFunc {
	w3c := propagation.TraceContext{}
	return func(c *gin.Context) {
		parent := c.Request.Context()
		ctx := w3c.Extract(parent, propagation.HeaderCarrier(c.Request.Header))
		method, route := methodLabel(c.Request.Method), routeOf(c)
		ctx, span := tracing.Tracer().Start(ctx, method+" "+route, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		recording := span.IsRecording()
		if recording {
			span.SetAttributes(
				semconv.HTTPRequestMethodKey.String(method),
				semconv.HTTPRoute(route),
				semconv.URLPath(c.Request.URL.Path),
				semconv.URLScheme(scheme(c.Request)),
			)
		}
		if recording || span.SpanContext().IsValid() {
			c.Request = c.Request.WithContext(ctx)
		}
		c.Next()
		if !recording {
			return
		}
		status := c.Writer.Status()
		span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		if status >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(status)) // 4xx is the client's, not the server's, error
		}
	}
}

// scheme is the URL scheme the request came in with.
func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}
