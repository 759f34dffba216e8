package httpport

import (
	"net/http"
	"strings"

	"github.com/taskstream/taskstream/domain/shared"
)

// httpError is a failure the port finds before any use case runs: a request it cannot read, a
// route or method that does not exist. It carries its own status and, where no shared.Kind
// fits, its own problem slug; err (a *shared.Error) gives the kind and the message.
type httpError struct {
	status int
	slug   string
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }

func (e *httpError) Unwrap() error { return e.err }

// malformed reports a request the port cannot read: 400, problem type invalid.
func malformed(field, format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, err: shared.Invalid(field, format, args...)}
}

var (
	errRouteNotFound = &httpError{status: http.StatusNotFound,
		err: &shared.Error{Kind: shared.KindNotFound, Message: "no resource at this path"}}
	errMethodNotAllowed = &httpError{status: http.StatusMethodNotAllowed, slug: "method-not-allowed",
		err: &shared.Error{Kind: shared.KindInvalid, Message: "the resource does not support this method"}}
	errBodyTooLarge = &httpError{status: http.StatusRequestEntityTooLarge, slug: "payload-too-large",
		err: &shared.Error{Kind: shared.KindInvalid, Message: "the request body is too large"}}
	errPanic = &httpError{status: http.StatusInternalServerError, slug: "internal",
		err: &shared.Error{Kind: shared.KindInternal, Message: "panic"}}
	errNotFoundTodo = shared.NotFound("todo")
	errNotFoundTask = shared.NotFound("task")
)

// unsupportedMediaType answers 415 for a body that is not one of the route's media types.
func unsupportedMediaType(accepted []string) error {
	return &httpError{status: http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
		err: &shared.Error{Kind: shared.KindInvalid, Message: "the request body must be " + strings.Join(accepted, " or ")}}
}
