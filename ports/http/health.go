package httpport

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// States of a readiness check in the /readyz answer.
const (
	checkOK   = "ok"
	checkFail = "fail"
)

// readinessResponse answers /readyz when every check passes.
type readinessResponse struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// healthz answers 200 while the process serves: it is the liveness probe and checks nothing else.
func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz runs every check, each bounded by timeout, and answers 200 when all pass, else a 503
// problem whose checks member says which failed. Why a check failed is logged, not shown:
// the endpoint needs no authentication. Callers share the runs (sharedProbe). Once drain has
// started it answers 503 at once.
func readyz(checks []ReadinessCheck, timeout time.Duration, drain *Drain, logger *slog.Logger) gin.HandlerFunc {
	probe := newSharedProbe(checks, timeout)
	return func(c *gin.Context) {
		if drain.Draining() {
			writeDraining(c)
			return
		}
		ctx := c.Request.Context()
		results := probe.run(ctx)
		states := make(map[string]string, len(results))
		var failed []string
		for name, err := range results {
			states[name] = checkOK
			if err != nil {
				states[name] = checkFail
				failed = append(failed, name)
				logger.WarnContext(ctx, "readiness check failed", "check", name, "error", err)
			}
		}
		if len(failed) == 0 {
			c.JSON(http.StatusOK, readinessResponse{Status: "ok", Checks: states})
			return
		}
		sort.Strings(failed)
		c.Header("Retry-After", "1")
		writeProblem(c, problem{
			Type:      ProblemTypeBase + "unavailable",
			Title:     problemTitles["unavailable"],
			Status:    http.StatusServiceUnavailable,
			Detail:    "not ready: " + strings.Join(failed, ", "),
			Instance:  c.Request.URL.Path,
			RequestID: RequestIDFrom(ctx),
			Checks:    states,
		})
	}
}

var errCheckTimeout = errors.New("the check did not answer in time")

// runChecks runs the checks concurrently and returns each one's error by name. A check that
// ignores its context still counts as failed once timeout has passed.
func runChecks(ctx context.Context, checks []ReadinessCheck, timeout time.Duration) map[string]error {
	results := make(map[string]error, len(checks))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, rc := range checks {
		wg.Go(func() {
			err := runCheck(ctx, rc, timeout)
			mu.Lock()
			defer mu.Unlock()
			results[rc.Name] = errors.Join(results[rc.Name], err)
		})
	}
	wg.Wait()
	return results
}

func runCheck(ctx context.Context, rc ReadinessCheck, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- rc.Check(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return errCheckTimeout
	}
}
