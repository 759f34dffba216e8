package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
)

// gauges gathers reg's gauges without labels, by name.
func gauges(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		out[f.GetName()] = f.GetMetric()[0].GetGauge().GetValue()
	}
	return out
}

// A writing transaction left open shows as the oldest transaction, its age growing; rows the
// relay deleted show as dead rows until a vacuum.
func TestHorizonShowsTheOldestWritingTransactionAndDeadRows(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	reg := prometheus.NewRegistry()
	if err := outbox.RegisterHorizon(reg, db, 5*time.Second, quietLogger()); err != nil {
		t.Fatal(err)
	}
	writeOutbox(t, db, "task-events", 5)
	forward(t, newRelay(t, db, &recorder{}, nil), 5) // deletes the 5 rows it forwarded

	// The statistics reach pg_stat_user_tables within about a second of the delete, once the
	// session that deleted is idle (not in the transaction below, which may take its connection).
	deadline := time.Now().Add(10 * time.Second)
	for gauges(t, reg)["taskstream_outbox_dead_rows"] < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("dead rows %v, want the 5 the relay deleted", gauges(t, reg)["taskstream_outbox_dead_rows"])
		}
		time.Sleep(200 * time.Millisecond)
	}

	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec(`SELECT pg_current_xact_id()`); err != nil { // takes a transaction id, as a write does
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	first := gauges(t, reg)["taskstream_outbox_oldest_transaction_seconds"]
	if first < 1 {
		t.Errorf("oldest transaction %.2fs, want the one open for 1.1s", first)
	}
	time.Sleep(500 * time.Millisecond)
	if second := gauges(t, reg)["taskstream_outbox_oldest_transaction_seconds"]; second < first+0.4 {
		t.Errorf("oldest transaction %.2fs, then %.2fs 0.5s later: want it growing", first, second)
	}
}
