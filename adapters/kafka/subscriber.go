package kafka

import (
	"log/slog"
	"time"

	"github.com/IBM/sarama"

	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/watermilllog"
)

// NewSubscriber returns Watermill's Kafka subscriber for consumer group: one message at a time
// per partition, the next one only after the handler acknowledged the last, offsets committed
// after the ack. A new group starts at the oldest offset.
//
// With fromNewest it reads every partition of the topic from its end, without a group (for a
// process that only cares about what happens from now on, for itself, such as live updates):
// nothing is committed, no group rebalances when instances come and go, and none is left
// behind. Partitions added to the topic later are not read until the process restarts.
func NewSubscriber(c Config, group string, fromNewest bool, logger *slog.Logger) (message.Subscriber, error) {
	sc, err := ConsumerConfig(c)
	if err != nil {
		return nil, err
	}
	if fromNewest {
		sc.Consumer.Offsets.Initial = sarama.OffsetNewest
		group = ""
	}
	// Offsets are marked once a message is acknowledged and committed every second in the
	// background, not after each message: with a commit per message (Watermill's behaviour when
	// auto-commit is off) the audit consumer applied about 70 events a second across four
	// partitions, each waiting for its commit round trip. A crash replays at most the last
	// second's acknowledged messages; handlers apply a message once (inbox), so that is safe.
	sc.Consumer.Offsets.AutoCommit.Enable = true
	sc.Consumer.Offsets.AutoCommit.Interval = time.Second
	return wmkafka.NewSubscriber(wmkafka.SubscriberConfig{
		Brokers:               c.Brokers,
		Unmarshaler:           wmkafka.DefaultMarshaler{},
		OverwriteSaramaConfig: sc,
		ConsumerGroup:         group,
		// A nacked message (its handler failed and it was not parked) is tried again after this.
		NackResendSleep:     500 * time.Millisecond,
		ReconnectRetrySleep: time.Second,
	}, watermilllog.New(logger))
}
