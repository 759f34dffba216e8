package httpport

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// readinessTTL is how long one run of the readiness checks answers /readyz. Orchestrators probe
// every few seconds per instance, so a second loses them nothing; a caller asking faster gets
// the same answer instead of a fresh database round trip.
const readinessTTL = time.Second

// sharedProbe runs the readiness checks on behalf of every /readyz caller. /readyz needs no
// authentication, so without it each caller would cost a ping of the database pool and a
// broker check: a flood of probes, from anyone who reaches the port, would become a flood on
// the database. Callers arriving while a run is in flight wait for that run (singleflight), and
// its result serves every caller for readinessTTL after it ended.
type sharedProbe struct {
	checks  []ReadinessCheck
	timeout time.Duration
	now     func() time.Time
	flight  singleflight.Group

	mu      sync.Mutex
	results map[string]error // of the last run; nil before the first
	until   time.Time        // when they stop answering
}

func newSharedProbe(checks []ReadinessCheck, timeout time.Duration) *sharedProbe {
	return &sharedProbe{checks: checks, timeout: timeout, now: time.Now}
}

// run returns each check's error by name, from the last run while it is fresh, else from a new
// run shared with the callers that ask meanwhile. The map must not be changed.
func (p *sharedProbe) run(ctx context.Context) map[string]error {
	if results, ok := p.fresh(); ok {
		return results
	}
	v, _, _ := p.flight.Do("readyz", func() (any, error) {
		// The run serves callers other than this one: the caller that leaves must not cancel
		// it. Each check is bounded by p.timeout all the same.
		results := runChecks(context.WithoutCancel(ctx), p.checks, p.timeout)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.results, p.until = results, p.now().Add(readinessTTL)
		return results, nil
	})
	return v.(map[string]error)
}

func (p *sharedProbe) fresh() (map[string]error, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.results, p.results != nil && p.now().Before(p.until)
}
