package brokertest

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/ports/messaging"
)

// stoppedGroupFallsBehind: a group processes what was published, commits and stops; then n
// messages are published with no member running. /metrics (the consumer-lag collector on the
// broker's LagReader, scraped twice) shows the group n records behind, and the age of the oldest
// of them growing between the scrapes.
func stoppedGroupFallsBehind(e *env) {
	lr, ok := e.b.(broker.LagReader)
	if !ok {
		e.t.Fatalf("%s keeps messages for groups but does not report their lag (broker.LagReader)", e.b.Name())
	}
	topic, group := e.topic("lag"), e.group("lag")
	first := e.newEvents(3, 10, nil)
	e.publish(topic, first)
	var got recorder
	stop := e.runBatches(e.batchSubscriber(topic, group, batchOptions()), topic, group, e.topic("lag-poison"),
		func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
			got.add(msgs...)
			return nil, nil
		})
	e.waitForCount("the first messages", &got, len(flatten(first)))
	stop()

	reg := prometheus.NewRegistry()
	err := metrics.RegisterConsumerLag(reg, metrics.LagConfig{
		Read: func(ctx context.Context) ([]metrics.ConsumerLag, error) {
			lags, err := lr.Lag(ctx, []broker.Subscription{{Group: group, Topic: topic}})
			out := make([]metrics.ConsumerLag, len(lags))
			for i, l := range lags {
				out[i] = metrics.ConsumerLag(l)
			}
			return out, err
		},
		Timeout: 10 * time.Second, CacheFor: time.Nanosecond, Logger: Logger(e.t),
	})
	if err != nil {
		e.t.Fatalf("RegisterConsumerLag: %v", err)
	}
	// The stopped member committed everything it processed.
	if records, _ := e.scrapeLag(reg, group, topic); records != 0 {
		e.t.Fatalf("a group that processed everything: lag %v records, want 0", records)
	}

	before := time.Now()
	second := e.newEvents(4, 5, nil)
	e.publish(topic, second)
	n := float64(len(flatten(second)))

	records, age := e.scrapeLag(reg, group, topic)
	if records != n {
		e.t.Errorf("after %v messages published to a stopped group: lag %v records", n, records)
	}
	if age <= 0 || age > time.Since(before).Seconds()+1 {
		e.t.Errorf("lag %vs: want the age of the first message published %v ago", age, time.Since(before))
	}
	time.Sleep(1100 * time.Millisecond)
	records2, age2 := e.scrapeLag(reg, group, topic)
	if records2 != n {
		e.t.Errorf("second scrape: lag %v records, want %v", records2, n)
	}
	if age2 < age+1 {
		e.t.Errorf("lag in seconds did not grow with the time the group stands still: %v, then %v 1.1s later", age, age2)
	}
}

// scrapeLag gathers reg and returns group's lag on topic: the records summed over the
// partitions and the largest age in seconds.
func (e *env) scrapeLag(reg *prometheus.Registry, group, topic string) (records, seconds float64) {
	e.t.Helper()
	families, err := reg.Gather()
	if err != nil {
		e.t.Fatalf("gather: %v", err)
	}
	seen := false
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["group"] != group || labels["topic"] != topic {
				continue
			}
			switch f.GetName() {
			case "taskstream_consumer_lag_records":
				seen = true
				records += m.GetGauge().GetValue()
			case "taskstream_consumer_lag_seconds":
				seconds = max(seconds, m.GetGauge().GetValue())
			}
		}
	}
	if !seen {
		e.t.Fatalf("no taskstream_consumer_lag_records for group %s on %s", group, topic)
	}
	return records, seconds
}
