package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/batch"
)

// Rejected is a message that can never be processed, and why. The pipeline parks it in the
// poison topic with the reason and goes on with the rest of the batch.
type Rejected struct {
	Message *message.Message
	Reason  error
}

// BatchHandler processes a batch. It returns the messages it rejected; every other message
// counts as processed once it returns a nil error. A non-nil error means nothing of the batch
// was applied: the pipeline retries it by its Policy.
type BatchHandler func(ctx context.Context, msgs []*message.Message) ([]Rejected, error)

// Pipeline runs a consumer's handler on its messages the way every consumer must (Policy):
// retry what fails, park what can never be processed, and let the work in hand finish when the
// consumer stops. Subscribers acknowledge a batch only after Process returned nil. It is safe
// for concurrent use: Kafka hands over a batch per partition at once.
type Pipeline struct {
	name   string
	topic  string
	handle BatchHandler
	policy Policy
}

var _ batch.Process = (*Pipeline)(nil).Process

// NewPipeline returns the pipeline of handler name (a public contract: it is in the poison
// header and the metrics) on topic.
func NewPipeline(name, topic string, handle BatchHandler, p Policy) (*Pipeline, error) {
	if name == "" || topic == "" || handle == nil {
		return nil, errors.New("messaging: a pipeline needs a name, a topic and a handler")
	}
	p, err := p.withDefaults()
	if err != nil {
		return nil, err
	}
	pl := &Pipeline{name: name, topic: topic, policy: p}
	pl.handle = pl.withEffects(handle)
	return pl, nil
}

// Process handles msgs until the handler succeeds and the rejected messages are parked. It
// returns an error only when ctx ends first; then nothing may be acknowledged.
//
// A batch in hand is finished when ctx is cancelled (shutdown, rebalance): the handler and the
// parking run on a context that outlives ctx by the Policy's Grace, so the batch can be
// committed instead of replayed. Only a failed try is not retried once ctx has ended.
func (pl *Pipeline) Process(ctx context.Context, msgs []*message.Message) error {
	work, stop := outlive(ctx, pl.policy.Grace)
	defer stop()
	pl.observeConsumed(msgs)
	return pl.process(ctx, work, msgs)
}

// process is Process on a batch or a part of one, with work the context that outlives ctx.
func (pl *Pipeline) process(ctx, work context.Context, msgs []*message.Message) error {
	p := pl.policy
	backoff := p.InitialBackoff
	var first trace.SpanContext // the first try's span, which each retry's links to
	for attempt := 1; ; attempt++ {
		start := time.Now()
		spanCtx, span := pl.startProcessSpan(work, msgs, first)
		if attempt == 1 {
			first = span.SpanContext()
		}
		rejected, err := pl.call(spanCtx, msgs)
		endProcessSpan(span, len(rejected), err)
		p.Metrics.ObserveBatch(pl.name, len(msgs), len(rejected), err, time.Since(start).Seconds())
		if err == nil {
			return pl.park(work, rejected)
		}
		invalid := shared.KindOf(err) == shared.KindInvalid
		if invalid || (attempt > p.MaxRetries && !Transient(err)) {
			return pl.split(ctx, work, msgs, err)
		}
		p.Logger.WarnContext(ctx, "handling failed, will retry", "handler", pl.name, "size", len(msgs),
			"attempt", attempt, "retry_in", backoff, "error", err)
		pl.observeRetry()
		if err := sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, p.MaxBackoff)
	}
}

// call runs the handler, turning a panic into an error that is retried and parked like any other.
func (pl *Pipeline) call(ctx context.Context, msgs []*message.Message) (rejected []Rejected, err error) {
	defer func() {
		if r := recover(); r != nil {
			rejected, err = nil, &panicError{msg: fmt.Sprintf("handler %s panicked: %v", pl.name, r)}
		}
	}()
	return pl.handle(ctx, msgs)
}

// split processes the two halves of a batch that keeps failing, first the first (so the
// partition's order holds), until a message that fails alone is parked with err as the reason.
// Handlers apply a message once, so the part of a batch that had succeeded is not applied twice.
func (pl *Pipeline) split(ctx, work context.Context, msgs []*message.Message, err error) error {
	log := pl.policy.Logger
	if len(msgs) == 1 {
		log.ErrorContext(ctx, "a message cannot be processed; parking it", "handler", pl.name, "message_id", msgs[0].UUID, "error", err)
		return pl.park(work, []Rejected{{Message: msgs[0], Reason: &exhaustedError{err: err}}})
	}
	log.ErrorContext(ctx, "batch keeps failing; splitting it to find the messages that fail", "handler", pl.name,
		"size", len(msgs), "error", err)
	half := len(msgs) / 2
	if err := pl.process(ctx, work, msgs[:half]); err != nil {
		return err
	}
	return pl.process(ctx, work, msgs[half:])
}

// outlive returns a context that is cancelled grace after ctx is, so work started under ctx can
// finish after ctx ends. The returned stop releases it, and the grace's timer with it.
func outlive(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var (
		mu    sync.Mutex
		timer *time.Timer
	)
	stopAfter := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(grace, cancel)
	})
	return work, func() {
		stopAfter()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	}
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
