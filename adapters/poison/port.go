package poison

import (
	"context"
	"errors"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

// Port is Parking behind the application's ports (query.ParkedMessages and
// command.ParkedReplayer), so that the CLI and the HTTP API run the same use cases on it.
type Port struct{ parking *Parking }

var _ command.ParkedReplayer = Port{}

// NewPort returns parking as the application's port. It panics on a nil parking.
func NewPort(parking *Parking) Port {
	if parking == nil {
		panic("poison: nil parking")
	}
	return Port{parking: parking}
}

// ReadParked reads every parked message, oldest first, as the application sees it. A broker
// that keeps nothing is reported as unavailable, ErrNothingKept wrapped.
func (p Port) ReadParked(ctx context.Context, fn func(query.ParkedMessage) bool) error {
	return nothingKept(p.parking.reader.ReadParked(ctx, func(m Parked) bool { return fn(toQuery(m)) }))
}

// Replay republishes the parked messages the use case selected (Parking.Replay), without
// reading the poison topic again.
func (p Port) Replay(ctx context.Context, selected []query.ParkedMessage, dryRun bool, report func(ref string, refused error)) error {
	parked := make([]Parked, len(selected))
	for i, m := range selected {
		parked[i] = fromQuery(m)
	}
	return p.parking.Replay(ctx, parked, dryRun, func(o Outcome) { report(o.Parked.Ref, o.Refused) })
}

func nothingKept(err error) error {
	if errors.Is(err, ErrNothingKept) {
		return &shared.Error{Kind: shared.KindUnavailable, Message: ErrNothingKept.Error(), Err: err}
	}
	return err
}

// toQuery converts a parked message to the application's ParkedMessage.
func toQuery(m Parked) query.ParkedMessage {
	headers := make(map[string]string, len(m.Message.Metadata))
	for k, v := range m.Message.Metadata {
		headers[k] = v
	}
	return query.ParkedMessage{
		Ref: m.Ref, EventID: m.EventID(), Type: m.EventType(), Topic: m.Topic(), Handler: m.Handler(),
		Group: m.Group(), Reason: m.Reason(), ParkedAt: m.ParkedAt, PayloadOmitted: m.PayloadOmitted(),
		Headers: headers, Payload: append([]byte(nil), m.Message.Payload...), MessageID: m.Message.UUID,
	}
}

// fromQuery is the parked message m was read from: the same id, headers and payload.
func fromQuery(m query.ParkedMessage) Parked {
	msg := message.NewMessage(m.MessageID, append([]byte(nil), m.Payload...))
	for k, v := range m.Headers {
		msg.Metadata.Set(k, v)
	}
	return Parked{Ref: m.Ref, ParkedAt: m.ParkedAt, Message: msg}
}
