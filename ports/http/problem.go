package httpport

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/domain/shared"
)

// Problem documents follow RFC 9457. Their type is ProblemTypeBase followed by a slug: the
// shared.Kind of the error (invalid, not-found, conflict, precondition-failed, unauthenticated,
// unavailable, internal) or, for failures only HTTP knows, method-not-allowed,
// payload-too-large, unsupported-media-type and too-many-requests (rate_limit.go,
// ws_limits.go); attempts-exhausted is the conflict of a submission past its test's limit
// (quizzes.go).
const (
	ProblemTypeBase    = "https://taskstream.dev/problems/"
	ProblemContentType = "application/problem+json"
)

// problem is an RFC 9457 problem details document with Taskstream's extension members.
type problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []fieldError `json:"errors,omitempty"`
	// Checks is set by /readyz only: the state of every readiness check.
	Checks map[string]string `json:"checks,omitempty"`
}

// fieldError names the request field an invalid problem is about.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

var problemTitles = map[string]string{
	"invalid":                "Invalid request",
	"not-found":              "Not found",
	"conflict":               "Conflict",
	"precondition-failed":    "Precondition failed",
	"unauthenticated":        "Authentication required",
	"unavailable":            "Service unavailable",
	"forbidden":              "Forbidden",
	"internal":               "Internal server error",
	"method-not-allowed":     "Method not allowed",
	"payload-too-large":      "Request body too large",
	"unsupported-media-type": "Unsupported media type",
	"too-many-requests":      "Too many requests",
	problemAttemptsExhausted: "No attempts left",
}

// internalDetail is all a caller learns about an internal error; the log has the rest.
const internalDetail = "an unexpected error occurred; quote the request id when reporting it"

// retryAfterUnknownOutcome tells a caller whose write may or may not have been stored why sending
// it again is safe: a create or a submission with the same Idempotency-Key answers what the
// first attempt stored and creates nothing twice; a task change with the same If-Match answers
// 412 when the first attempt was applied; a to-do change and marking notifications read set the
// same values again.
const retryAfterUnknownOutcome = "; sending the same request again is safe: with the same Idempotency-Key a create " +
	"answers what the first attempt stored, and with the same If-Match a change answers 412 if it was applied"

// statusOf is the one place where an error becomes an HTTP status. Errors the port finds itself
// carry their status; domain and application errors are mapped by kind. Domain validation
// answers 422: the request was well-formed but breaks a rule.
func statusOf(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.status
	}
	switch shared.KindOf(err) {
	case shared.KindInvalid:
		return http.StatusUnprocessableEntity
	case shared.KindNotFound:
		return http.StatusNotFound
	case shared.KindConflict:
		return http.StatusConflict
	case shared.KindPreconditionFailed:
		return http.StatusPreconditionFailed
	case shared.KindUnauthenticated:
		return http.StatusUnauthorized
	case shared.KindUnavailable:
		return http.StatusServiceUnavailable
	case shared.KindForbidden:
		return http.StatusForbidden
	default:
		return http.StatusInternalServerError
	}
}

// slugOf is the last segment of the problem type of err.
func slugOf(err error) string {
	var he *httpError
	if errors.As(err, &he) && he.slug != "" {
		return he.slug
	}
	return shared.KindOf(err).String()
}

// problemFor describes err to the caller without leaking internal details.
func problemFor(c *gin.Context, err error) problem {
	slug := slugOf(err)
	p := problem{
		Type:      ProblemTypeBase + slug,
		Title:     problemTitles[slug],
		Status:    statusOf(err),
		Instance:  c.Request.URL.Path,
		RequestID: RequestIDFrom(c.Request.Context()),
		Detail:    internalDetail,
	}
	var se *shared.Error
	if slug == shared.KindInternal.String() || !errors.As(err, &se) {
		return p
	}
	p.Detail = se.Message
	if errors.Is(err, shared.ErrOutcomeUnknown) {
		p.Detail += retryAfterUnknownOutcome
	}
	if se.Field != "" {
		p.Detail = se.Field + ": " + se.Message
		if se.Kind == shared.KindInvalid {
			p.Errors = []fieldError{{Field: se.Field, Message: se.Message}}
		}
	}
	return p
}

// abortWithProblem answers the request with the problem for err and stops the handler chain.
// Internal errors are logged with their details; unavailable ones at warn level.
func abortWithProblem(c *gin.Context, logger *slog.Logger, err error) {
	p := problemFor(c, err)
	ctx := c.Request.Context()
	var he *httpError
	switch {
	case errors.As(err, &he):
	case p.Status == http.StatusServiceUnavailable:
		logger.WarnContext(ctx, "dependency unavailable", "error", err)
	case p.Status >= http.StatusInternalServerError:
		logger.ErrorContext(ctx, "internal error", "error", err)
	}
	switch p.Status {
	case http.StatusUnauthorized:
		if c.Writer.Header().Get("WWW-Authenticate") == "" {
			c.Header("WWW-Authenticate", `Bearer realm="taskstream"`)
		}
	case http.StatusServiceUnavailable:
		c.Header("Retry-After", "1")
	}
	writeProblem(c, p)
}

// writeProblem writes p as application/problem+json and stops the handler chain.
func writeProblem(c *gin.Context, p problem) {
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"` + ProblemTypeBase + `internal","title":"Internal server error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	c.Data(p.Status, ProblemContentType, body)
	c.Abort()
}
