package shared

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that the edges (HTTP, messaging) can map it once, in one place.
type Kind int

// The kinds of error the domain and application layers report.
const (
	// KindInternal is an unexpected failure; its details are not shown to users.
	KindInternal Kind = iota
	// KindInvalid means the input breaks a rule; the message says which.
	KindInvalid
	// KindNotFound means the entity does not exist or belongs to another user.
	KindNotFound
	// KindConflict means the request conflicts with the current state.
	KindConflict
	// KindPreconditionFailed means an optimistic-concurrency check failed.
	KindPreconditionFailed
	// KindUnauthenticated means the caller could not be identified.
	KindUnauthenticated
	// KindUnavailable means a dependency (database, broker) cannot take the request now.
	KindUnavailable
	// KindForbidden means the caller may see the entity but not this part of it (a test's
	// statistics are its owner's).
	KindForbidden
)

// String returns the slug of the kind, used as the problem type in API errors.
func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not-found"
	case KindConflict:
		return "conflict"
	case KindPreconditionFailed:
		return "precondition-failed"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindUnavailable:
		return "unavailable"
	case KindForbidden:
		return "forbidden"
	default:
		return "internal"
	}
}

// Error is an error with a kind, an optional field it concerns, and a message safe to show users.
type Error struct {
	Kind    Kind
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports that field breaks a rule.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that the named entity does not exist for the caller.
func NotFound(entity string) error {
	return &Error{Kind: KindNotFound, Message: entity + " not found"}
}

// Unavailable wraps err from a dependency that cannot take the request now.
func Unavailable(message string, err error) error {
	return &Error{Kind: KindUnavailable, Message: message, Err: err}
}

// ErrOutcomeUnknown marks an unavailable error whose write may or may not have been carried out
// (the connection ended during a commit). Each edge tells its callers how to retry safely in its
// own terms: the HTTP port names its Idempotency-Key and If-Match headers.
var ErrOutcomeUnknown = errors.New("the outcome of the write is unknown")

// KindOf returns the kind of err, KindInternal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Conflict reports that the request conflicts with the entity's current state.
func Conflict(format string, args ...any) error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf(format, args...)}
}

// PreconditionFailed reports that an optimistic-concurrency check failed.
func PreconditionFailed(format string, args ...any) error {
	return &Error{Kind: KindPreconditionFailed, Message: fmt.Sprintf(format, args...)}
}

// Forbidden reports that the caller may not do or see what it asked for.
func Forbidden(format string, args ...any) error {
	return &Error{Kind: KindForbidden, Message: fmt.Sprintf(format, args...)}
}
