package messaging

import (
	"github.com/taskstream/taskstream/domain/shared"
)

// undecodable is the error of a message envelope.Decode refused: invalid (parked at once),
// with the text "message: <Decode's error>" as the poison reason, and Decode's error kept in
// the chain so the parked-message metrics can tell a newer schema version
// (envelope.ErrNewerVersion) from bad data.
func undecodable(err error) error {
	return &decodeError{invalid: shared.Invalid("message", "%v", err), cause: err}
}

type decodeError struct{ invalid, cause error }

func (e *decodeError) Error() string   { return e.invalid.Error() }
func (e *decodeError) Unwrap() []error { return []error{e.invalid, e.cause} }
