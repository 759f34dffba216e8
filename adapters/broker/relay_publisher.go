package broker

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

// oneByOne forwards a batch one publish after the other, on a publisher it does not own: for
// brokers without a batch producer of their own.
type oneByOne struct{ message.Publisher }

func (p oneByOne) PublishBatch(_ context.Context, msgs []envelope.Routed) error {
	for _, m := range msgs {
		if err := p.Publish(m.Topic, m.Message); err != nil {
			return err
		}
	}
	return nil
}

// Close leaves the publisher open: it is the process's.
func (oneByOne) Close() error { return nil }
