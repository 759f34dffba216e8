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
// provider (tracing off) the span records nothing and only carries the caller's context on.
func traceRequests() gin.HandlerFunc {
	w3c := propagation.TraceContext{}
	return func(c *gin.Context) {
		ctx := w3c.Extract(c.Request.Context(), propagation.HeaderCarrier(c.Request.Header))
		route := routeOf(c)
		ctx, span := tracing.Tracer().Start(ctx, methodLabel(c.Request.Method)+" "+route,
			trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				semconv.HTTPRequestMethodKey.String(methodLabel(c.Request.Method)),
				semconv.HTTPRoute(route),
				semconv.URLPath(c.Request.URL.Path),
				semconv.URLScheme(scheme(c.Request)),
			))
		defer span.End()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
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
