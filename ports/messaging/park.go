package messaging

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

// park publishes the rejected messages to the poison topic in one call, retrying until it
// works. When the broker refuses one as too large (Policy.TooLarge), they go one by one instead,
// and that one is parked without its payload.
func (pl *Pipeline) park(ctx context.Context, rejected []Rejected) error {
	if len(rejected) == 0 {
		return nil
	}
	p := pl.policy
	poisoned := make([]*message.Message, len(rejected))
	classes := make([]ParkClass, len(rejected))
	for i, r := range rejected {
		m := r.Message.Copy()
		envelope.MarkPoisoned(m, r.Reason.Error(), pl.topic, pl.name, p.Group)
		poisoned[i], classes[i] = m, classOf(r.Reason)
	}
	backoff := p.InitialBackoff
	for {
		err := p.Poison.Publish(p.PoisonTopic, poisoned...)
		if err == nil {
			pl.logParked(ctx, poisoned...)
			p.Metrics.ObserveParked(pl.name, len(poisoned))
			for _, c := range classes {
				pl.observeParked(c, 1)
			}
			return nil
		}
		if pl.tooLarge(err) {
			return pl.parkOneByOne(ctx, poisoned, classes)
		}
		p.Logger.ErrorContext(ctx, "cannot park messages, will retry", "handler", pl.name, "error", err)
		if err := sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, p.MaxBackoff)
	}
}

// parkOneByOne parks each message on its own, so that only the one too large is trimmed: first
// its payload goes, then any metadata value longer than a short line. A trimmed message counts
// as too_large, whatever its reason's class.
func (pl *Pipeline) parkOneByOne(ctx context.Context, poisoned []*message.Message, classes []ParkClass) error {
	p := pl.policy
	for i, m := range poisoned {
		backoff := p.InitialBackoff
		for trims := 0; ; {
			err := p.Poison.Publish(p.PoisonTopic, m)
			if err == nil {
				pl.logParked(ctx, m)
				p.Metrics.ObserveParked(pl.name, 1)
				if trims > 0 {
					classes[i] = ParkTooLarge
				}
				pl.observeParked(classes[i], 1)
				break
			}
			if pl.tooLarge(err) && trims < 2 {
				trims++
				p.Logger.ErrorContext(ctx, "message too large to park; parking it trimmed", "handler", pl.name,
					"message_id", m.UUID, "bytes", len(m.Payload), "trim", trims, "error", err)
				m = trimmed(m, err, trims)
				continue
			}
			p.Logger.ErrorContext(ctx, "cannot park a message, will retry", "handler", pl.name, "message_id", m.UUID, "error", err)
			if err := sleep(ctx, backoff); err != nil {
				return err
			}
			backoff = min(2*backoff, p.MaxBackoff)
		}
	}
	return nil
}

func (pl *Pipeline) tooLarge(err error) bool {
	return pl.policy.TooLarge != nil && pl.policy.TooLarge(err)
}

func (pl *Pipeline) logParked(ctx context.Context, msgs ...*message.Message) {
	for _, m := range msgs {
		pl.policy.Logger.WarnContext(ctx, "message parked in the poison topic", "handler", pl.name, "message_id", m.UUID,
			"poison_topic", pl.policy.PoisonTopic, "reason", m.Metadata.Get(envelope.KeyPoisonReason))
	}
}

// maxTrimmedValue bounds the metadata values a twice-trimmed message keeps.
const maxTrimmedValue = 1024

// trimmed is m made smaller for the poison topic: trim 1 drops the payload and says so in the
// payload-omitted header; trim 2 also drops metadata values longer than maxTrimmedValue (the
// poison headers and ids are short and stay).
func trimmed(m *message.Message, err error, trim int) *message.Message {
	stub := m.Copy()
	if trim == 1 {
		stub.Metadata.Set(envelope.KeyPayloadOmitted, fmt.Sprintf("%d bytes could not be parked: %v", len(m.Payload), err))
		stub.Payload = nil
		return stub
	}
	for k, v := range stub.Metadata {
		if len(v) > maxTrimmedValue {
			stub.Metadata[k] = fmt.Sprintf("(%d bytes omitted)", len(v))
		}
	}
	return stub
}
