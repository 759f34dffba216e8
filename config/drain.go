package config

import "time"

// Defaults of SHUTDOWN_DRAIN_DELAY. A deployment sits behind a load balancer or a Kubernetes
// Service that learns of a SIGTERM only from /readyz: it keeps sending until its probe has
// failed, so the process keeps serving that long. 5 s covers a probe every second or two with
// a failure threshold of two or three. The embedded default runs on one machine with nothing in
// front, where waiting would only delay the stop of `make run`.
const (
	deployedDrainDelay = 5 * time.Second
	embeddedDrainDelay = 0
)

// modeDefaults reads the settings whose default depends on whether the process is the embedded
// default: the HTTP address and edge, and the drain.
func (r *reader) modeDefaults(c *Config) {
	c.HTTPAddr, c.HTTP = r.httpEdge(c.Embedded())
	c.ShutdownDrainDelay = r.drainDelay(c.Embedded())
}

// drainDelay reads SHUTDOWN_DRAIN_DELAY, whose default depends on whether the process is the
// embedded default; 0 turns the drain off.
func (r *reader) drainDelay(embedded bool) time.Duration {
	def := deployedDrainDelay
	if embedded {
		def = embeddedDrainDelay
	}
	return r.durationFrom("SHUTDOWN_DRAIN_DELAY", def, true)
}
