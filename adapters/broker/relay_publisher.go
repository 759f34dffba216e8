package broker

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/config"
)

// RelayPublisher returns what the outbox relay forwards with: on Kafka a producer of its own
// that sends a whole batch per call, elsewhere the process's publisher, one message after the
// other. The cleanup closes what it opened.
func (b *Broker) RelayPublisher() (outbox.BatchPublisher, func(), error) {
	if b.kind == config.BrokerKafka {
		p, err := kafka.NewBatchPublisher(b.kafka)
		if err != nil {
			return nil, nil, err
		}
		return p, func() { _ = p.Close() }, nil
	}
	return oneByOne{b.publisher}, func() {}, nil
}

type oneByOne struct{ message.Publisher }

func (p oneByOne) PublishBatch(_ context.Context, msgs []outbox.Routed) error {
	for _, m := range msgs {
		if err := p.Publish(m.Topic, m.Message); err != nil {
			return err
		}
	}
	return nil
}
