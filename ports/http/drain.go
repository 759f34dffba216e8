package httpport

import (
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// Drain is a process's going away as its HTTP handlers show it. Between a SIGTERM and the
// moment the listener stops taking connections the process still serves every request, but a
// load balancer (or Kubernetes, through the readiness probe) must learn to send no more: once
// Start is called, /readyz answers 503 and every answer carries Connection: close, so a client
// on a kept-alive connection opens its next one through the balancer, to another instance. A
// Drain is safe for concurrent use; the nil Drain never drains.
type Drain struct {
	started atomic.Bool
}

// NewDrain returns a Drain that has not started.
func NewDrain() *Drain { return &Drain{} }

// Start marks the process as draining, at once for every handler built with d. Calling it
// again does nothing.
func (d *Drain) Start() { d.started.Store(true) }

// Draining reports whether Start was called.
func (d *Drain) Draining() bool { return d != nil && d.started.Load() }

// checkDraining names the drain among the checks of a 503 from /readyz.
const checkDraining = "draining"

// writeDraining answers /readyz while the process drains: 503 at once, without running the
// checks or taking their last result, which is cached for a second (sharedProbe) and would keep
// saying ready that long. No Retry-After: this process will not be ready again.
func writeDraining(c *gin.Context) {
	writeProblem(c, problem{
		Type:      ProblemTypeBase + "unavailable",
		Title:     problemTitles["unavailable"],
		Status:    http.StatusServiceUnavailable,
		Detail:    "not ready: draining, the process is shutting down",
		Instance:  c.Request.URL.Path,
		RequestID: RequestIDFrom(c.Request.Context()),
		Checks:    map[string]string{checkDraining: checkFail},
	})
}

// closeWhileDraining asks the client to close its connection after each answer once d has
// started. net/http then closes it itself after writing the answer, which races with nothing:
// closing a kept-alive connection while it is idle (as http.Server.SetKeepAlivesEnabled(false)
// and Shutdown do) can meet a request the client is just sending on it, which then fails
// without an answer. A WebSocket upgrade is left alone: its 101 needs Connection: Upgrade.
func closeWhileDraining(d *Drain) gin.HandlerFunc {
	return func(c *gin.Context) {
		if d.Draining() && c.GetHeader("Upgrade") == "" {
			c.Header("Connection", "close")
		}
		c.Next()
	}
}
