package di

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/metrics"
)

// registerConsumerLag shows on /metrics how far behind each consumer of consumers is, read
// from the broker at scrape time: the worker's (and `all`'s) groups and topics, which the
// configuration bounds. The API's live updates are left out: their groups are per process and
// start at the newest message. GoChannel keeps no positions, so it shows none.
func registerConsumerLag(b broker.Broker, consumers []Worker, reg prometheus.Registerer, logger *slog.Logger) error {
	lr, ok := b.(broker.LagReader)
	if !ok {
		return nil
	}
	var subs []broker.Subscription
	for _, w := range consumers {
		if w.Reads != (broker.Subscription{}) {
			subs = append(subs, w.Reads)
		}
	}
	return metrics.RegisterConsumerLag(reg, metrics.LagConfig{
		Read: func(ctx context.Context) ([]metrics.ConsumerLag, error) {
			lags, err := lr.Lag(ctx, subs)
			out := make([]metrics.ConsumerLag, len(lags))
			for i, l := range lags {
				out[i] = metrics.ConsumerLag(l)
			}
			return out, err
		},
		Logger: logger,
	})
}
