package messaging

import (
	"context"
	"errors"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// StageMetrics observes the stages of a message's way through a consumer, for the latency and
// failure figures an operator alerts on. A Policy's Metrics that also implements it gets these
// calls; one that does not is left as it is. Implementations must be safe for concurrent use.
type StageMetrics interface {
	// ObserveConsumed records how long after its event time (ce_time, stamped when the writer
	// made the event, in the transaction of the change) a message reached its handler, once
	// per message.
	ObserveConsumed(handler string, seconds float64)
	// ObserveEffect records how long after its event time a message's effect was done: its
	// handler returned without rejecting it. effect is one of the Effect values.
	ObserveEffect(effect string, seconds float64)
	// ObserveRetry records a failed try of a batch that will be tried again.
	ObserveRetry(handler string)
	// ObserveParkedClass records n messages parked for a reason of class, a ParkClass value.
	ObserveParkedClass(handler, class string, n int)
}

// Effect is what a consumer's handling of an event achieves, the last stage of its way.
type Effect string

// The effects, a fixed set so the metric's labels stay bounded.
const (
	EffectStored    Effect = "stored"    // written to the database (to-dos, audit trail, statistics)
	EffectScored    Effect = "scored"    // a quiz submission scored
	EffectDelivered Effect = "delivered" // a notification handed to its channels
	EffectPushed    Effect = "pushed"    // sent to the user's open WebSockets
)

// effects maps each handler (a public name) to its effect.
var effects = map[string]Effect{
	TodoIngestHandlerName:              EffectStored,
	TaskAuditHandlerName:               EffectStored,
	QuizAnalyticsHandlerName:           EffectStored,
	ResultCalculatorHandlerName:        EffectScored,
	NotificationRequestsHandlerName:    EffectDelivered,
	NotificationTestResultsHandlerName: EffectDelivered,
	TaskUpdatesHandlerName:             EffectPushed,
	NotificationPushHandlerName:        EffectPushed,
}

// ParkClass is why a message was parked, in a fixed set of classes (the reason itself is in the
// poison header).
type ParkClass string

// The classes of parked messages.
const (
	// ParkInvalid: the handler rejected it, or it failed with an invalid-input error.
	ParkInvalid ParkClass = "invalid"
	// ParkRetriesExhausted: it failed on its own, with an error neither transient nor invalid,
	// after the retries.
	ParkRetriesExhausted ParkClass = "retries_exhausted"
	// ParkPanic: its handler panicked on it, after the retries.
	ParkPanic ParkClass = "panic"
	// ParkTooLarge: the poison topic refused it as too large, and it was parked trimmed.
	ParkTooLarge ParkClass = "too_large"
	// ParkNewerVersion: its event is of a newer major schema version than the consumer reads
	// (envelope.ErrNewerVersion): upgrade the consumer, then replay it.
	ParkNewerVersion ParkClass = "newer_version"
)

// classOf is the class of a parked message's reason.
func classOf(reason error) ParkClass {
	var panicked *panicError
	var exhausted *exhaustedError
	switch {
	case errors.Is(reason, envelope.ErrNewerVersion):
		return ParkNewerVersion
	case errors.As(reason, &panicked):
		return ParkPanic
	case shared.KindOf(reason) == shared.KindInvalid:
		return ParkInvalid
	case errors.As(reason, &exhausted):
		return ParkRetriesExhausted
	default:
		return ParkInvalid // a handler's rejection: the message can never be processed
	}
}

// panicError is a handler's panic, turned into an error.
type panicError struct{ msg string }

func (e *panicError) Error() string { return e.msg }

// exhaustedError is the error of a message that failed on its own after the retries: its text
// is the error's, so the poison reason is unchanged.
type exhaustedError struct{ err error }

func (e *exhaustedError) Error() string { return e.err.Error() }
func (e *exhaustedError) Unwrap() error { return e.err }

// stages returns the policy's StageMetrics, or nil.
func (pl *Pipeline) stages() StageMetrics {
	s, _ := pl.policy.Metrics.(StageMetrics)
	return s
}

// observeConsumed records the consume latency of each message that carries an event time.
func (pl *Pipeline) observeConsumed(msgs []*message.Message) {
	s := pl.stages()
	if s == nil {
		return
	}
	now := time.Now()
	for _, m := range msgs {
		if at, ok := eventTime(m); ok {
			s.ObserveConsumed(pl.name, now.Sub(at).Seconds())
		}
	}
}

// withEffects wraps handle so that the messages of a try that succeeds, but the rejected ones,
// have their effect latency recorded.
func (pl *Pipeline) withEffects(handle BatchHandler) BatchHandler {
	effect, ok := effects[pl.name]
	s := pl.stages()
	if !ok || s == nil {
		return handle
	}
	return func(ctx context.Context, msgs []*message.Message) ([]Rejected, error) {
		rejected, err := handle(ctx, msgs)
		if err != nil {
			return rejected, err
		}
		now := time.Now()
		for _, m := range msgs {
			if at, ok := eventTime(m); ok && !isRejected(m, rejected) {
				s.ObserveEffect(string(effect), now.Sub(at).Seconds())
			}
		}
		return rejected, nil
	}
}

func isRejected(m *message.Message, rejected []Rejected) bool {
	for _, r := range rejected {
		if r.Message == m {
			return true
		}
	}
	return false
}

func (pl *Pipeline) observeRetry() {
	if s := pl.stages(); s != nil {
		s.ObserveRetry(pl.name)
	}
}

func (pl *Pipeline) observeParked(class ParkClass, n int) {
	if s := pl.stages(); s != nil {
		s.ObserveParkedClass(pl.name, string(class), n)
	}
}

// eventTime is m's ce_time, if it has a readable one.
func eventTime(m *message.Message) (time.Time, bool) {
	at, err := time.Parse(time.RFC3339Nano, m.Metadata.Get(envelope.KeyTime))
	return at, err == nil
}
