package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// LatencyBuckets are the buckets of the per-stage latency histograms: from a few milliseconds
// (a quiet pipeline) to ten minutes (a consumer catching up after an outage).
var LatencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// stages are the consumer pipeline's stage metrics (ports/messaging.StageMetrics, which di
// checks: an adapter does not import a port).
type stages struct {
	consumed *prometheus.HistogramVec
	effect   *prometheus.HistogramVec
	retries  *prometheus.CounterVec
	parked   *prometheus.CounterVec
	// deliveries counts notification delivery attempts (deliveries.go).
	deliveries *prometheus.CounterVec
}

func newStages(reg prometheus.Registerer) (*stages, error) {
	s := &stages{
		consumed: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "taskstream_message_consume_latency_seconds",
			Help:    "Time from a message's event time (ce_time) to the start of its handling, by handler.",
			Buckets: LatencyBuckets,
		}, []string{"handler"}),
		effect: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "taskstream_event_effect_latency_seconds",
			Help:    "Time from an event's time (ce_time) to its effect: stored, scored, delivered or pushed.",
			Buckets: LatencyBuckets,
		}, []string{"effect"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "taskstream_message_retries_total", Help: "Failed tries of a message or batch that are tried again, by handler.",
		}, []string{"handler"}),
		parked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "taskstream_messages_parked_total",
			Help: "Messages parked in the poison topic, by handler and reason class (invalid, newer_version, retries_exhausted, panic, too_large).",
		}, []string{"handler", "reason_class"}),
		deliveries: newDeliveries(),
	}
	for _, c := range []prometheus.Collector{s.consumed, s.effect, s.retries, s.parked, s.deliveries} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// ObserveConsumed records a message's consume latency.
func (p *Prometheus) ObserveConsumed(handler string, seconds float64) {
	p.stages.consumed.WithLabelValues(handler).Observe(max(seconds, 0))
}

// ObserveEffect records an event's latency to its effect.
func (p *Prometheus) ObserveEffect(effect string, seconds float64) {
	p.stages.effect.WithLabelValues(effect).Observe(max(seconds, 0))
}

// ObserveRetry counts a retry.
func (p *Prometheus) ObserveRetry(handler string) { p.stages.retries.WithLabelValues(handler).Inc() }

// ObserveParkedClass counts parked messages by reason class.
func (p *Prometheus) ObserveParkedClass(handler string, class string, n int) {
	p.stages.parked.WithLabelValues(handler, class).Add(float64(n))
}
