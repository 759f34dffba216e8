package kafka

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// Probe answers the readiness check with one long-lived client: each check refreshes the
// metadata of a topic over the client's open connections, so probes cost no new connections or
// TLS handshakes, and checks that arrive while one is running share its answer instead of piling
// up on a broker that hangs.
type Probe struct {
	cfg   Config
	topic string

	mu      sync.Mutex
	client  sarama.Client
	running *probeRun // the check under way, shared by the callers that arrive meanwhile
	closed  bool
}

// NewProbe returns a probe of the cluster c names, asking for topic's metadata. It connects at
// the first check.
func NewProbe(c Config, topic string) *Probe { return &Probe{cfg: c, topic: topic} }

// probeRun is one check: done is closed once err is set.
type probeRun struct {
	done chan struct{}
	err  error
}

// Check reports whether Kafka answers a metadata request for the probe's topic, waiting for
// the probe under way (or starting one) until ctx ends.
func (p *Probe) Check(ctx context.Context) error {
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

func (p *Probe) run(run *probeRun) {
	run.err = p.probe()
	p.mu.Lock()
	p.running = nil
	p.mu.Unlock()
	close(run.done)
}

func (p *Probe) probe() error {
	p.mu.Lock()
	client, closed := p.client, p.closed
	p.mu.Unlock()
	if closed {
		return errors.New("the broker is closed")
	}
	if client == nil {
		sc, err := ConsumerConfig(p.cfg)
		if err != nil {
			return err
		}
		sc.Net.DialTimeout = 2 * time.Second
		sc.Metadata.Retry.Max = 0
		if client, err = sarama.NewClient(p.cfg.Brokers, sc); err != nil {
			return connectError(p.cfg, err)
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

// Close closes the client; later checks fail.
func (p *Probe) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.client != nil {
		_ = p.client.Close()
	}
}
