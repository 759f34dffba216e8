package httpport

import (
	"context"
	"regexp"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/tracing"
)

// Headers the port reads and echoes.
const (
	HeaderRequestID     = "X-Request-ID"
	HeaderCorrelationID = "X-Correlation-ID"
	HeaderTraceParent   = "traceparent"
)

// maxIDLength bounds request and correlation ids taken from the caller.
const maxIDLength = 128

type requestInfoKey struct{}

// requestInfo is what the port learns about a request before routing it.
type requestInfo struct {
	requestID     string
	correlationID string
	traceParent   string
}

// requestContext takes or makes the request id, takes the correlation id (default: the request
// id) and a valid W3C traceparent, echoes the ids in the response and puts all three in the
// request's context, where the use cases, the logs and the events find them.
func requestContext() gin.HandlerFunc {
	return func(c *gin.Context) {
		info := requestInfo{requestID: c.GetHeader(HeaderRequestID)}
		if !saneID(info.requestID) {
			info.requestID = uuid.NewString()
		}
		info.correlationID = c.GetHeader(HeaderCorrelationID)
		if !saneID(info.correlationID) {
			info.correlationID = info.requestID
		}
		if tp := c.GetHeader(HeaderTraceParent); validTraceParent(tp) {
			info.traceParent = tp
		}
		c.Header(HeaderRequestID, info.requestID)
		c.Header(HeaderCorrelationID, info.correlationID)
		ctx := context.WithValue(c.Request.Context(), requestInfoKey{}, info)
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// RequestIDFrom returns the id of the HTTP request ctx belongs to, or "" outside one.
func RequestIDFrom(ctx context.Context) string {
	info, _ := ctx.Value(requestInfoKey{}).(requestInfo)
	return info.requestID
}

// CorrelationIDFrom returns the correlation id of the HTTP request ctx belongs to, or "".
func CorrelationIDFrom(ctx context.Context) string {
	info, _ := ctx.Value(requestInfoKey{}).(requestInfo)
	return info.correlationID
}

// eventMetaFrom returns what the events of the request must carry: the trace context of the
// request's span (traceRequests), else the caller's traceparent as it came.
func eventMetaFrom(ctx context.Context) shared.EventMeta {
	info, _ := ctx.Value(requestInfoKey{}).(requestInfo)
	traceParent := info.traceParent
	if tp := tracing.TraceParent(ctx); tp != "" {
		traceParent = tp
	}
	return shared.EventMeta{CorrelationID: info.correlationID, TraceParent: traceParent}
}

// saneID accepts 1 to maxIDLength printable ASCII characters without spaces, so an id taken
// from a header cannot break a log line or a message header.
func saneID(s string) bool {
	if s == "" || len(s) > maxIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// traceParentPattern is version 00 of W3C Trace Context: version-traceid-parentid-flags.
var traceParentPattern = regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`)

// validTraceParent accepts a version 00 traceparent whose trace and parent ids are not all zero.
func validTraceParent(s string) bool {
	if !traceParentPattern.MatchString(s) {
		return false
	}
	return s[3:35] != "00000000000000000000000000000000" && s[36:52] != "0000000000000000"
}
