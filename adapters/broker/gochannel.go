package broker

import (
	"context"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/platform/batch"
	"github.com/taskstream/taskstream/platform/watermilllog"
)

// GoChannel is the embedded default's broker: Watermill's in-process channel. It keeps nothing
// (a message published while no one subscribes is dropped, and a process that stops loses what
// is on its way), has no consumer groups (every subscriber gets every message) and no order
// between messages. It is for `make run` and unit tests.
type GoChannel struct {
	channel *gochannel.GoChannel
}

var _ Broker = (*GoChannel)(nil)

// NewGoChannel returns a fresh channel.
func NewGoChannel(logger *slog.Logger) *GoChannel {
	return &GoChannel{channel: gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 1024}, watermilllog.New(logger))}
}

// Name is "gochannel".
func (g *GoChannel) Name() string { return "gochannel" }

// Publisher is the channel.
func (g *GoChannel) Publisher() message.Publisher { return g.channel }

// Subscriber is the channel itself, whatever the group: every subscriber gets every message
// published while it is subscribed. Closing it leaves the shared channel open.
func (g *GoChannel) Subscriber(string, Start) (message.Subscriber, error) {
	return sharedChannel{g.channel}, nil
}

// BatchSubscriber hands over one message at a time. It subscribes at once, so that nothing
// published before it runs is missed, and drains what is on its way when it stops.
func (g *GoChannel) BatchSubscriber(topic, _ string, opts BatchOptions) (batch.Subscriber, error) {
	return subscribeNow(g.channel, topic, opts.Drain)
}

// RelayPublisher publishes one message after the other on the channel.
func (g *GoChannel) RelayPublisher() (RelayPublisher, error) { return oneByOne{g.channel}, nil }

// ReadParked fails with poison.ErrNothingKept: the channel keeps nothing.
func (g *GoChannel) ReadParked(context.Context, func(poison.Parked) bool) error {
	return poison.ErrNothingKept
}

// TooLarge is always false: the channel takes any size.
func (g *GoChannel) TooLarge(error) bool { return false }

// Check always passes: the channel is in the process.
func (g *GoChannel) Check(context.Context) error { return nil }

// Run returns at once.
func (g *GoChannel) Run(context.Context) error { return nil }

// Close closes the channel.
func (g *GoChannel) Close() error { return g.channel.Close() }

// sharedChannel is the process's GoChannel as one consumer's subscriber: closing it must not
// close the channel the publisher and the other consumers use.
type sharedChannel struct{ *gochannel.GoChannel }

func (sharedChannel) Close() error { return nil }
