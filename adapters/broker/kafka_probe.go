package broker

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/config"
)

// kafkaProbe answers the readiness check with one long-lived client: each check refreshes the
// metadata of a topic over the client's open connections, so probes cost no new connections or
// TLS handshakes, and checks that arrive while one is running share its answer instead of piling
// up on a broker that hangs.
type kafkaProbe struct {
	cfg   config.Kafka
	topic string

	mu      sync.Mutex
	client  sarama.Client
	running *probeRun // the check under way, shared by the callers that arrive meanwhile
	closed  bool
}

// probeRun is one check: done is closed once err is set.
type probeRun struct {
	done chan struct{}
	err  error
}

// check waits for the running probe (or starts one) until ctx ends.
func (p *kafkaProbe) check(ctx context.Context) error {
	p.mu.Lock()
	run := p.running
	if run == nil {
		run = &probeRun{done: make(chan struct{})}
		p.running = run
		go p.run(run)
	}
	p.mu.Unlock()
	select {
	case <-run.done:
		return run.err
	case <-ctx.Done():
		return errors.New("kafka did not answer in time")
	}
}

func (p *kafkaProbe) run(run *probeRun) {
	run.err = p.probe()
	p.mu.Lock()
	p.running = nil
	p.mu.Unlock()
	close(run.done)
}

func (p *kafkaProbe) probe() error {
	p.mu.Lock()
	client, closed := p.client, p.closed
	p.mu.Unlock()
	if closed {
		return errors.New("the broker is closed")
	}
	if client == nil {
		sc, err := kafka.ConsumerConfig(p.cfg)
		if err != nil {
			return err
		}
		sc.Net.DialTimeout = 2 * time.Second
		sc.Metadata.Retry.Max = 0
		if client, err = sarama.NewClient(p.cfg.Brokers, sc); err != nil {
			return err
		}
		p.mu.Lock()
		if p.closed { // closed while connecting: nobody else will close this client
			p.mu.Unlock()
			_ = client.Close()
			return errors.New("the broker is closed")
		}
		p.client = client
		p.mu.Unlock()
	}
	return client.RefreshMetadata(p.topic)
}

// close closes the client; later checks fail.
func (p *kafkaProbe) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.client != nil {
		_ = p.client.Close()
	}
}
