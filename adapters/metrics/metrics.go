// Package metrics records use-case and message-handling measurements in Prometheus.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/application/decorator"
)

// Prometheus implements decorator.Metrics and the consumer pipeline's metrics
// (ports/messaging.Metrics, which di checks). It is safe for concurrent use.
type Prometheus struct {
	useCases      *prometheus.HistogramVec
	batches       *prometheus.HistogramVec
	batchSize     *prometheus.HistogramVec
	messages      *prometheus.CounterVec
	batchFailures *prometheus.CounterVec
	stages        *stages // stages.go
}

var _ decorator.Metrics = (*Prometheus)(nil)

// NewPrometheus registers the collectors with reg.
func NewPrometheus(reg prometheus.Registerer) (*Prometheus, error) {
	p := &Prometheus{
		useCases: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "taskstream_use_case_duration_seconds", Help: "Time spent in a use case, by handler and outcome.",
		}, []string{"handler", "outcome"}),
		batches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "taskstream_message_batch_duration_seconds", Help: "Time spent handling one batch of messages.",
		}, []string{"handler"}),
		batchSize: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "taskstream_message_batch_size", Help: "Messages per handled batch.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 8),
		}, []string{"handler"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "taskstream_messages_handled_total", Help: "Messages handled, by outcome (processed or poisoned).",
		}, []string{"handler", "outcome"}),
		batchFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "taskstream_message_batch_failures_total", Help: "Batches that failed and will be retried.",
		}, []string{"handler"}),
	}
	for _, c := range []prometheus.Collector{p.useCases, p.batches, p.batchSize, p.messages, p.batchFailures} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	s, err := newStages(reg)
	p.stages = s
	return p, err
}

// ObserveHandler records one use-case call.
func (p *Prometheus) ObserveHandler(name string, took time.Duration, err error) {
	p.useCases.WithLabelValues(name, outcome(err)).Observe(took.Seconds())
}

// ObserveBatch records one try at a batch.
func (p *Prometheus) ObserveBatch(handler string, size, rejected int, err error, seconds float64) {
	p.batches.WithLabelValues(handler).Observe(seconds)
	if err != nil {
		p.batchFailures.WithLabelValues(handler).Inc()
		return
	}
	p.batchSize.WithLabelValues(handler).Observe(float64(size))
	p.messages.WithLabelValues(handler, "processed").Add(float64(size - rejected))
}

// ObserveParked counts messages parked in the poison topic, whichever way they got there.
func (p *Prometheus) ObserveParked(handler string, n int) {
	p.messages.WithLabelValues(handler, "poisoned").Add(float64(n))
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}
