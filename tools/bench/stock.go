package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
)

// The baseline of the relay figures is Watermill's stock outbox forwarding, run in the bench
// process: forwarder.NewForwarder on the "outbox" topic, with watermill-sql's subscriber on the
// same schema (DefaultPostgreSQLSchema, DefaultPostgreSQLOffsetsAdapter) and watermill-kafka's
// publisher (DefaultSaramaSyncPublisherConfig, keyed by ce_partitionkey), every setting at its
// default. It subscribes with a pool of its own, as the relay process has one.

const stockGroup = "bench-stock-forwarder"

// stockForwarder is the stock Forwarder running in the bench; it is a service whose CPU time is
// counted under "bench".
type stockForwarder struct {
	fwd       *forwarder.Forwarder
	sub       *wsql.Subscriber
	pub       *wmkafka.Publisher
	db        *sql.DB // a pool of its own, as the relay process has
	published atomic.Int64
	start     time.Time
	done      chan error
	log       *os.File
}

// startStock starts the stock Forwarder on s and waits until it has subscribed.
func (e benchEnv) startStock(ctx context.Context, s *scene, label string) (*forwarderRun, error) {
	f := &stockForwarder{start: time.Now(), done: make(chan error, 1)}
	var err error
	if f.log, err = os.Create(filepath.Join(e.dir, label+".log")); err != nil {
		return nil, err
	}
	if err := f.build(ctx, e, s.db.URL); err != nil {
		_ = f.closeAll()
		return nil, err
	}
	go func() { f.done <- f.fwd.Run(ctx) }()
	select {
	case <-f.fwd.Running():
	case err := <-f.done:
		_ = f.closeAll()
		return nil, fmt.Errorf("the stock Forwarder stopped at its start: %w", err)
	case <-time.After(30 * time.Second):
		_ = f.stop()
		return nil, errors.New("the stock Forwarder did not start in 30 s")
	}
	return &forwarderRun{
		service: f, group: stockGroup,
		forwarded: func(context.Context) (int64, error) { return f.published.Load(), nil },
		published: f.published.Load,
	}, nil
}

func (f *stockForwarder) build(ctx context.Context, e benchEnv, databaseURL string) error {
	logger := watermill.NewSlogLogger(slog.New(slog.NewTextHandler(f.log, nil)))
	var err error
	if f.db, err = postgres.Open(ctx, databaseURL); err != nil {
		return err
	}
	f.sub, err = wsql.NewSubscriber(wsql.BeginnerFromStdSQL(f.db), wsql.SubscriberConfig{
		ConsumerGroup:  stockGroup,
		SchemaAdapter:  wsql.DefaultPostgreSQLSchema{},
		OffsetsAdapter: wsql.DefaultPostgreSQLOffsetsAdapter{},
	}, logger)
	if err != nil {
		return err
	}
	sc := wmkafka.DefaultSaramaSyncPublisherConfig()
	f.pub, err = wmkafka.NewPublisher(wmkafka.PublisherConfig{
		Brokers: e.opts.Brokers, Marshaler: marshaler, OverwriteSaramaConfig: sc,
	}, logger)
	if err != nil {
		return err
	}
	f.fwd, err = forwarder.NewForwarder(f.sub, counting{f.pub, &f.published}, logger, forwarder.Config{ForwarderTopic: outbox.Topic})
	return err
}

// counting is a publisher that counts the messages it published.
type counting struct {
	message.Publisher
	n *atomic.Int64
}

func (c counting) Publish(topic string, msgs ...*message.Message) error {
	if err := c.Publisher.Publish(topic, msgs...); err != nil {
		return err
	}
	c.n.Add(int64(len(msgs)))
	return nil
}

func (f *stockForwarder) pid() int             { return 0 }
func (f *stockForwarder) startedAt() time.Time { return f.start }
func (f *stockForwarder) cpuGroup() string     { return "bench" }

func (f *stockForwarder) logTail() string {
	b, _ := os.ReadFile(f.log.Name())
	return string(b[max(0, len(b)-4000):])
}

func (f *stockForwarder) failed() error {
	select {
	case err := <-f.done:
		f.done <- err
		return fmt.Errorf("the stock Forwarder stopped (%s); log: %s", exitReason(err), f.logTail())
	default:
		return nil
	}
}

// stop closes the Forwarder (its router waits for the message in hand), then what it used.
func (f *stockForwarder) stop() error {
	err := f.fwd.Close()
	select {
	case runErr := <-f.done:
		err = errors.Join(err, runErr)
	case <-time.After(30 * time.Second):
		err = errors.Join(err, errors.New("the stock Forwarder did not stop in 30 s"))
	}
	return errors.Join(err, f.closeAll())
}

func (f *stockForwarder) closeAll() error {
	var errs []error
	if f.sub != nil {
		errs = append(errs, f.sub.Close())
	}
	if f.pub != nil {
		errs = append(errs, f.pub.Close())
	}
	if f.db != nil {
		errs = append(errs, f.db.Close())
	}
	errs = append(errs, f.log.Close())
	return errors.Join(errs...)
}
