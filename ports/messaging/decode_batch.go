package messaging

import (
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// decodedBatch is a batch of messages as a batch use case takes it: the items it could decode,
// each remembering its message, and the reasons of the messages it refused.
type decodedBatch[I any] struct {
	msgs    []*message.Message
	items   []I
	origin  []int         // origin[i] is the index in msgs of items[i]
	reasons map[int]error // by index in msgs
}

// decodeBatch decodes every message of msgs as an event of eventType at schema version
// version (its major version, see envelope.Decode) into an E, and makes the use case's item of
// it with toItem. A message that is not such an event is refused as invalid,
// with what is wrong with it.
func decodeBatch[E, I any](msgs []*message.Message, eventType, version string, toItem func(E, *message.Message) I) *decodedBatch[I] {
	b := &decodedBatch[I]{msgs: msgs, items: make([]I, 0, len(msgs)), origin: make([]int, 0, len(msgs)), reasons: map[int]error{}}
	for i, msg := range msgs {
		var ev E
		if err := envelope.Decode(msg, eventType, version, &ev); err != nil {
			b.reasons[i] = shared.Invalid("message", "%v", err)
			continue
		}
		b.items = append(b.items, toItem(ev, msg))
		b.origin = append(b.origin, i)
	}
	return b
}

// reject refuses the messages of the items the use case rejected (command.Rejection.Index is an
// index into the items).
func (b *decodedBatch[I]) reject(rejections []command.Rejection) {
	for _, r := range rejections {
		b.reasons[b.origin[r.Index]] = r.Reason
	}
}

// rejected lists the refused messages in the order they arrived, so the poison topic keeps it.
func (b *decodedBatch[I]) rejected() []Rejected {
	if len(b.reasons) == 0 {
		return nil
	}
	out := make([]Rejected, 0, len(b.reasons))
	for i, msg := range b.msgs {
		if err, ok := b.reasons[i]; ok {
			out = append(out, Rejected{Message: msg, Reason: err})
		}
	}
	return out
}

// metaOf carries the correlation id and trace context of msg on to the events its handler
// emits.
func metaOf(msg *message.Message) shared.EventMeta {
	return shared.EventMeta{
		CorrelationID: msg.Metadata.Get(envelope.KeyCorrelationID),
		TraceParent:   msg.Metadata.Get(envelope.KeyTraceParent),
	}
}
