package outbox_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
)

// The relay records, per forwarded row, the time from the row's transaction to its publish:
// rows written three seconds ago show a commit-to-publish latency of three seconds and a bit.
func TestRelayRecordsTheCommitToPublishLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	writeOutbox(t, db, "task-events", 3)
	if _, err := db.Exec(`UPDATE "watermill_outbox" SET created_at = created_at - interval '3 seconds'`); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	rm, err := outbox.NewRelayMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	forward(t, newRelay(t, db, &recorder{}, func(c *outbox.RelayConfig) { c.ObserveLatency = rm.ObserveLatency }), 3)

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "taskstream_outbox_relay_latency_seconds" {
			continue
		}
		h := f.GetMetric()[0].GetHistogram()
		// forward may take a few rounds (rows show below the server's oldest transaction).
		if h.GetSampleCount() != 3 || h.GetSampleSum() < 9 || h.GetSampleSum() > 9+3*15 {
			t.Errorf("latency: %d rows summing %.2fs, want 3 of 3s and a bit", h.GetSampleCount(), h.GetSampleSum())
		}
		return
	}
	t.Error("no taskstream_outbox_relay_latency_seconds on the registry")
}
