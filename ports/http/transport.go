package httpport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// ServerConfig bounds what one client can hold of the server: how long it may take to send a
// request, to be answered and to keep an idle connection, and how many connections are open at
// once. Without these bounds a client that sends its body one byte at a time keeps a goroutine
// and a descriptor for as long as it likes, before authentication. The zero value is valid:
// every field has a documented default.
type ServerConfig struct {
	// ReadTimeout bounds reading a whole request, headers and body. Default: 15 s, which a
	// client sending the largest body (1 MiB) at 70 KB/s meets.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its answer: net/http
	// sets the deadline when the headers are read, so it covers the body, the handler and the
	// write, and must be at least ReadTimeout. Default: 30 s.
	WriteTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its next request.
	// Default: 120 s.
	IdleTimeout time.Duration
	// MaxConnections caps the open connections, WebSockets included; Listen applies it. A
	// connection past it waits in the kernel's accept queue until one closes (refused once the
	// queue is full). Default: 4096.
	MaxConnections int
}

// Defaults of ServerConfig.
const (
	DefaultReadTimeout    = 15 * time.Second
	DefaultWriteTimeout   = 30 * time.Second
	DefaultIdleTimeout    = 120 * time.Second
	DefaultMaxConnections = 4096
	// maxReadHeaderTimeout bounds the headers alone, so a client that never finishes them is
	// let go sooner than one sending a body.
	maxReadHeaderTimeout = 10 * time.Second
)

func (c *ServerConfig) setDefaults() {
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = DefaultMaxConnections
	}
}

// Validate reports every invalid field of c at once.
func (c ServerConfig) Validate() error {
	var errs []error
	if c.ReadTimeout < 0 || c.WriteTimeout < 0 || c.IdleTimeout < 0 {
		errs = append(errs, errors.New("httpport: server timeouts must not be negative"))
	}
	if c.MaxConnections < 0 {
		errs = append(errs, errors.New("httpport: MaxConnections must not be negative"))
	}
	if c.WriteTimeout != 0 && c.WriteTimeout < c.ReadTimeout {
		errs = append(errs, errors.New("httpport: WriteTimeout must be at least ReadTimeout: its deadline covers reading the body"))
	}
	return errors.Join(errs...)
}

// NewServer returns the server of h with cfg's timeouts. A WebSocket is not cut by them:
// net/http clears a connection's deadlines when it is hijacked, as the upgrade does, and the
// stream bounds its own writes and pings (WebSocketConfig).
func NewServer(h http.Handler, cfg ServerConfig) (*http.Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(maxReadHeaderTimeout, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
	}, nil
}

// Listen listens on the TCP address addr and accepts at most cfg.MaxConnections connections at
// once (x/net's LimitListener: Accept waits for a connection to close). The socket is plain
// TCP, not the Multipath TCP Go prefers for listeners on Linux: Quiesce needs a socket filter
// and TCP_INFO on it, which an MPTCP socket does not support.
func Listen(addr string, cfg ServerConfig) (*Listener, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	lc.SetMultipathTCP(false)
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return &Listener{Listener: netutil.LimitListener(ln, cfg.MaxConnections), tcp: ln.(*net.TCPListener)}, nil
}
