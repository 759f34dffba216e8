package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// horizonQuery returns the age of the oldest transaction on the whole server that holds a
// transaction id (from its start, an upper bound). The relay and the stock Forwarder read only
// rows below the oldest running transaction id (pg_snapshot_xmin), so while such a transaction
// runs, in any database of the server, no event committed after it began is forwarded.
const horizonQuery = `SELECT COALESCE(EXTRACT(EPOCH FROM max(clock_timestamp() - xact_start)), 0)::float8
	FROM pg_stat_activity WHERE backend_xid IS NOT NULL`

// horizonStats is what sampleHorizon saw.
type horizonStats struct {
	Max     time.Duration // the oldest transaction seen
	Over100 int           // samples that saw one older than 100 ms
	Samples int
}

func (h horizonStats) String() string {
	return fmt.Sprintf("max %s, over 100 ms in %d of %d samples", ms(h.Max), h.Over100, h.Samples)
}

// sampleHorizon samples horizonQuery every 50 ms until ctx is done.
func sampleHorizon(ctx context.Context, db *sql.DB) horizonStats {
	var h horizonStats
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return h
		case <-tick.C:
		}
		var seconds float64
		if err := db.QueryRowContext(ctx, horizonQuery).Scan(&seconds); err != nil {
			continue
		}
		age := time.Duration(seconds * float64(time.Second))
		h.Samples++
		h.Max = max(h.Max, age)
		if age > 100*time.Millisecond {
			h.Over100++
		}
	}
}
