package config

import (
	"net"
	"time"
)

// HTTPEdge bounds what a client can hold of the HTTP server and says where the operations
// endpoints are served.
type HTTPEdge struct {
	// ReadTimeout is HTTP_READ_TIMEOUT (default 15s): the longest a client may take to send a
	// whole request, headers and body.
	ReadTimeout time.Duration
	// WriteTimeout is HTTP_WRITE_TIMEOUT (default 30s): from the end of a request's headers to
	// the end of its answer, so at least ReadTimeout. WebSockets are not bound by it after the
	// upgrade.
	WriteTimeout time.Duration
	// IdleTimeout is HTTP_IDLE_TIMEOUT (default 120s): how long a kept-alive connection waits
	// for its next request.
	IdleTimeout time.Duration
	// MaxConnections is HTTP_MAX_CONNECTIONS (default 4096): open connections at once,
	// WebSockets included; the next one waits until one closes.
	MaxConnections int
	// MetricsAddr is METRICS_ADDR (default none): when set, /metrics and /readyz are served
	// there and no longer on HTTP_ADDR (/healthz is on both), so they can be kept off the
	// public port.
	MetricsAddr string
}

// Defaults of the HTTP address: the embedded default, which keeps everything in memory and
// makes its own token, is for trying on one machine, so it listens on loopback alone; a
// configured deployment listens on every interface, as its container or host expects.
const (
	embeddedHTTPAddr = "127.0.0.1:8080"
	deployedHTTPAddr = ":8080"
)

// httpEdge reads HTTP_ADDR, whose default depends on whether the process is the embedded
// default, and the settings of HTTPEdge.
func (r *reader) httpEdge(embedded bool) (string, HTTPEdge) {
	addr := deployedHTTPAddr
	if embedded {
		addr = embeddedHTTPAddr
	}
	return r.str("HTTP_ADDR", addr), HTTPEdge{
		ReadTimeout:    r.duration("HTTP_READ_TIMEOUT", 15*time.Second),
		WriteTimeout:   r.duration("HTTP_WRITE_TIMEOUT", 30*time.Second),
		IdleTimeout:    r.duration("HTTP_IDLE_TIMEOUT", 120*time.Second),
		MaxConnections: r.integer("HTTP_MAX_CONNECTIONS", 4096, 1, 1_000_000),
		MetricsAddr:    r.str("METRICS_ADDR", ""),
	}
}

// checkHTTPEdge validates the settings that depend on each other.
func (r *reader) checkHTTPEdge(c Config) {
	e := c.HTTP
	if e.WriteTimeout < e.ReadTimeout {
		r.fail("HTTP_WRITE_TIMEOUT", "must be at least HTTP_READ_TIMEOUT (%s): its deadline starts before the body is read", e.ReadTimeout)
	}
	if e.MetricsAddr == "" {
		return
	}
	if _, _, err := net.SplitHostPort(e.MetricsAddr); err != nil {
		r.fail("METRICS_ADDR", "must be host:port or :port, got %q", e.MetricsAddr)
	}
	if e.MetricsAddr == c.HTTPAddr {
		r.fail("METRICS_ADDR", "must differ from HTTP_ADDR (both %q)", e.MetricsAddr)
	}
}
