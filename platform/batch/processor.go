package batch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// Processor runs a Handler on a batch the way every batch subscriber must: retry the whole batch
// with exponential backoff while the handler fails, then park the rejected messages in the
// poison topic. Subscribers acknowledge the batch only after Process returned nil.
type Processor struct {
	// Name is the handler's name, a public contract (it is in the poison header and metrics).
	Name string
	// Group is the consumer group, written to the subscriber_poisoned header.
	Group string
	// Handler processes the batches.
	Handler Handler
	// Poison receives the rejected messages on PoisonTopic, with Watermill's poison headers.
	Poison      message.Publisher
	PoisonTopic string
	// InitialBackoff (default 100ms) doubles after each failed try up to MaxBackoff (default 10s,
	// at least InitialBackoff).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// FinishTimeout (default 15s) is how long the batch in hand may still take once the
	// consumer is stopped.
	FinishTimeout time.Duration
	Logger        *slog.Logger
	Metrics       Metrics
	// Transient reports whether a handler error is a dependency being down (a database that
	// does not answer), which is retried for as long as it lasts. Any other error is retried
	// MaxRetries times; then the batch is split in halves, processed in order, until the
	// messages that fail on their own are found and parked with the error as the reason, so
	// that one bad message cannot hold its partition forever. Nil: every error is transient.
	Transient func(error) bool
	// MaxRetries bounds the retries of a batch that fails with an error that is not transient;
	// 0 splits it after its first failure.
	MaxRetries int
	// TooLarge reports whether a poison publish failed because a message is larger than the
	// broker takes, which no retry can change. The batch is then parked message by message, and
	// the one too large goes without its payload (its size and the error are in the
	// poison_payload_omitted header) and, if need be, without its long metadata values, so that
	// its partition goes on; the original stays in its topic until retention (the subscriber's
	// metadata says where). Nil: every failed publish is retried.
	TooLarge func(error) bool
}

// MarkPoisoned writes Watermill's poison headers on m: why it was parked, the topic it came from,
// and the handler and consumer group that gave up on it. Every component that parks a message
// writes them this way, so `taskstream poison` reads them all.
func MarkPoisoned(m *message.Message, reason, topic, handler, group string) {
	m.Metadata.Set(middleware.ReasonForPoisonedKey, reason)
	m.Metadata.Set(middleware.PoisonedTopicKey, topic)
	m.Metadata.Set(middleware.PoisonedHandlerKey, handler)
	m.Metadata.Set(middleware.PoisonedSubscriberKey, group)
}

// PayloadOmittedKey is the metadata key of a parked message whose payload was too large to park.
const PayloadOmittedKey = "poison_payload_omitted"

// Validate reports a missing dependency and sets the default backoff.
func (p *Processor) Validate() error {
	if p.Name == "" || p.Handler == nil || p.Poison == nil || p.PoisonTopic == "" || p.Logger == nil || p.Metrics == nil {
		return errors.New("batch processor: name, handler, poison publisher and topic, logger and metrics are required")
	}
	if p.InitialBackoff <= 0 {
		p.InitialBackoff = 100 * time.Millisecond
	}
	if p.FinishTimeout <= 0 {
		p.FinishTimeout = 15 * time.Second
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 10 * time.Second
	}
	p.MaxBackoff = max(p.MaxBackoff, p.InitialBackoff) // never let the backoff shrink
	if p.MaxRetries < 0 {
		return errors.New("batch processor: MaxRetries must not be negative")
	}
	return nil
}

// Process handles msgs from topic until the handler succeeds and the rejected messages are
// parked. It returns an error only when ctx ends first; then nothing may be acknowledged.
//
// A batch in hand is finished when ctx is cancelled (shutdown, rebalance): the handler and the
// parking run on a context that outlives ctx by FinishTimeout, so the batch can be committed
// instead of replayed. Only a failed try is not retried once ctx has ended.
func (p *Processor) Process(ctx context.Context, topic string, msgs []*message.Message) error {
	work, stop := outlive(ctx, p.FinishTimeout)
	defer stop()
	return p.process(ctx, work, topic, msgs)
}

// process is Process on a batch or a part of one, with work the context that outlives ctx.
func (p *Processor) process(ctx, work context.Context, topic string, msgs []*message.Message) error {
	backoff := p.InitialBackoff
	for attempt := 1; ; attempt++ {
		start := time.Now()
		rejected, err := p.Handler(work, msgs)
		p.Metrics.ObserveBatch(p.Name, len(msgs), len(rejected), err, time.Since(start).Seconds())
		if err == nil {
			return p.park(work, topic, rejected)
		}
		if attempt > p.MaxRetries && !p.transient(err) {
			return p.split(ctx, work, topic, msgs, err)
		}
		p.Logger.WarnContext(ctx, "batch failed, will retry", "handler", p.Name, "size", len(msgs),
			"attempt", attempt, "retry_in", backoff, "error", err)
		if err := sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, p.MaxBackoff)
	}
}

// split processes the two halves of a batch that keeps failing, first the first (so the
// partition's order holds), until a message that fails alone is parked with err as the reason.
// Handlers apply a message once, so the part of a batch that had succeeded is not applied twice.
func (p *Processor) split(ctx, work context.Context, topic string, msgs []*message.Message, err error) error {
	if len(msgs) == 1 {
		p.Logger.ErrorContext(ctx, "a message keeps failing; parking it", "handler", p.Name, "message_id", msgs[0].UUID, "error", err)
		return p.park(work, topic, []Rejected{{Message: msgs[0], Reason: err}})
	}
	p.Logger.ErrorContext(ctx, "batch keeps failing; splitting it to find the messages that fail", "handler", p.Name,
		"size", len(msgs), "error", err)
	half := len(msgs) / 2
	if err := p.process(ctx, work, topic, msgs[:half]); err != nil {
		return err
	}
	return p.process(ctx, work, topic, msgs[half:])
}

func (p *Processor) transient(err error) bool { return p.Transient == nil || p.Transient(err) }

// park publishes the rejected messages to the poison topic in one call, retrying until it
// works. When the broker refuses one as too large (TooLarge), they go one by one instead, and
// that one is parked without its payload.
func (p *Processor) park(ctx context.Context, topic string, rejected []Rejected) error {
	if len(rejected) == 0 {
		return nil
	}
	poisoned := make([]*message.Message, len(rejected))
	for i, r := range rejected {
		m := r.Message.Copy()
		MarkPoisoned(m, r.Reason.Error(), topic, p.Name, p.Group)
		poisoned[i] = m
	}
	backoff := p.InitialBackoff
	for {
		err := p.Poison.Publish(p.PoisonTopic, poisoned...)
		if err == nil {
			p.logParked(ctx, poisoned...)
			return nil
		}
		if p.tooLarge(err) {
			return p.parkOneByOne(ctx, poisoned)
		}
		p.Logger.ErrorContext(ctx, "cannot park messages, will retry", "handler", p.Name, "error", err)
		if err := sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, p.MaxBackoff)
	}
}

// parkOneByOne parks each message on its own, so that only the one too large is trimmed: first
// its payload goes, then any metadata value longer than a short line.
func (p *Processor) parkOneByOne(ctx context.Context, poisoned []*message.Message) error {
	for _, m := range poisoned {
		backoff := p.InitialBackoff
		for trims := 0; ; {
			err := p.Poison.Publish(p.PoisonTopic, m)
			if err == nil {
				p.logParked(ctx, m)
				break
			}
			if p.tooLarge(err) && trims < 2 {
				trims++
				p.Logger.ErrorContext(ctx, "message too large to park; parking it trimmed", "handler", p.Name,
					"message_id", m.UUID, "bytes", len(m.Payload), "trim", trims, "error", err)
				m = trimmed(m, err, trims)
				continue
			}
			p.Logger.ErrorContext(ctx, "cannot park a message, will retry", "handler", p.Name, "message_id", m.UUID, "error", err)
			if err := sleep(ctx, backoff); err != nil {
				return err
			}
			backoff = min(2*backoff, p.MaxBackoff)
		}
	}
	return nil
}

func (p *Processor) tooLarge(err error) bool { return p.TooLarge != nil && p.TooLarge(err) }

func (p *Processor) logParked(ctx context.Context, msgs ...*message.Message) {
	for _, m := range msgs {
		p.Logger.WarnContext(ctx, "message parked in the poison topic", "handler", p.Name, "message_id", m.UUID,
			"poison_topic", p.PoisonTopic, "reason", m.Metadata.Get(middleware.ReasonForPoisonedKey))
	}
}

// maxTrimmedValue bounds the metadata values a twice-trimmed message keeps.
const maxTrimmedValue = 1024

// trimmed is m made smaller for the poison topic: trim 1 drops the payload and says so in
// PayloadOmittedKey; trim 2 also drops metadata values longer than maxTrimmedValue (the poison
// headers and ids are short and stay).
func trimmed(m *message.Message, err error, trim int) *message.Message {
	stub := m.Copy()
	if trim == 1 {
		stub.Metadata.Set(PayloadOmittedKey, fmt.Sprintf("%d bytes could not be parked: %v", len(m.Payload), err))
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

// outlive returns a context that is cancelled grace after ctx is, so work started under ctx can
// finish after ctx ends.
func outlive(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopAfter := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return work, func() { stopAfter(); cancel() }
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
