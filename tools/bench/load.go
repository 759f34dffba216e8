package main

import (
	"context"
	"slices"
	"sync"
	"time"
)

// loadResult is what a closed-loop load of concurrent clients achieved in its measurement window.
type loadResult struct {
	// OK counts the successes that started and ended inside the window.
	OK       int
	AllOK    int // every success, warm-up included
	Window   time.Duration
	Latency  []time.Duration // of those successes, sorted
	Errors   int             // failures over the whole run, warm-up included
	Samples  []string        // the first failures' messages
	CPU      cpuTimes        // CPU seconds per process group in the window
	CPUGroup string          // the group of the process under test
}

func (r loadResult) Rate() float64 { return float64(r.OK) / r.Window.Seconds() }

// Percentile returns the p-th percentile latency (0 < p < 100).
func (r loadResult) Percentile(p float64) time.Duration { return percentile(r.Latency, p) }

// percentile returns the p-th percentile (0 < p < 100) of sorted durations, 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// runLoad runs do in a loop on each of clients goroutines for warmup, then for window; every
// call is timed. testPid is the process whose CPU time is reported under testGroup.
func runLoad(ctx context.Context, clients int, warmup, window time.Duration, testPid int, do func(client int) error) loadResult {
	from := time.Now().Add(warmup)
	to := from.Add(window)
	res := loadResult{Window: window, CPUGroup: "taskstream"}
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Go(func() { res.CPU = cpuDuring(ctx, from, to, testPid) })
	for c := range clients {
		wg.Go(func() {
			var lat []time.Duration
			var errs []string
			nerr, nok := 0, 0
			for ctx.Err() == nil {
				start := time.Now()
				if !start.Before(to) {
					break
				}
				err := do(c)
				took := time.Since(start)
				if err == nil {
					nok++
				}
				switch {
				case err != nil:
					nerr++
					if len(errs) < 5 {
						errs = append(errs, err.Error())
					}
				case !start.Before(from) && !start.Add(took).After(to):
					lat = append(lat, took)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.OK += len(lat)
			res.AllOK += nok
			res.Latency = append(res.Latency, lat...)
			res.Errors += nerr
			res.Samples = append(res.Samples, errs...)
		})
	}
	wg.Wait()
	slices.Sort(res.Latency)
	if len(res.Samples) > 10 {
		res.Samples = res.Samples[:10]
	}
	return res
}

// cpuDuring samples the processes' CPU times at from and at to.
func cpuDuring(ctx context.Context, from, to time.Time, testPid int) cpuTimes {
	if sleepUntil(ctx, from) != nil {
		return nil
	}
	before := sampleCPU(testPid)
	if sleepUntil(ctx, to) != nil {
		return nil
	}
	return sampleCPU(testPid).sub(before)
}

func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
