package httpport

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/platform/live"
)

// wsReadLimit bounds a client's message. Clients have nothing to say on /v1/ws; what they send
// is read and discarded, and a larger message closes the connection with 1009.
const wsReadLimit = 4096

// Close reasons sent to the client; at most 123 bytes each (RFC 6455, section 5.5).
const (
	closeReasonSlow     = "too slow: updates were dropped; reconnect and reload"
	closeReasonShutdown = "server shutting down; reconnect"
	closeReasonExpired  = "token expired; reconnect with a new token"
)

// Disconnect reasons, the label values of websocket_disconnects_total.
const (
	disconnectClient   = "client_closed" // the client sent a close frame
	disconnectLost     = "connection_lost"
	disconnectNoPong   = "ping_timeout"
	disconnectWrite    = "write_failed" // includes a frame not taken within WriteTimeout
	disconnectSlow     = "slow"
	disconnectShutdown = "shutdown"
	disconnectExpired  = "token_expired"
)

var errNoPong = errors.New("no pong within the timeout")

// wsStream writes a subscription's frames to one connection while a reader answers the
// client's control frames and a pinger checks that the client is alive.
type wsStream struct {
	conn *websocket.Conn
	raw  net.Conn // the hijacked connection under conn
	// expires is when the token the client connected with expires (zero: never); the
	// connection is closed then, as a request with that token would be refused.
	expires time.Time
	sub     *live.Subscription
	cfg     WebSocketConfig
}

// run streams until the connection ends and returns why. The connection is closed when it
// returns and its reader and pinger have stopped. ctx must not be cancelled by anyone else.
//
// A client that falls behind by the hub's buffer is closed with 1008 Policy Violation rather
// than 1013 Try Again Later: 1013 says the server is overloaded and asks clients to reconnect
// only upon user action, whereas here the client itself lost updates and should reconnect and
// reload at once. On shutdown the close code is 1001 Going Away.
func (s wsStream) run(ctx context.Context) string {
	alive, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := make(chan struct{})
	defer close(stop)
	wg.Go(func() { s.discardReads(ctx, cancel) })
	wg.Go(func() { s.ping(ctx, stop, cancel) })
	var expired <-chan time.Time
	if !s.expires.IsZero() {
		timer := time.NewTimer(time.Until(s.expires))
		defer timer.Stop()
		expired = timer.C
	}
	for {
		select {
		case <-expired:
			s.closeWithin(websocket.StatusPolicyViolation, closeReasonExpired)
			return disconnectExpired
		case <-alive.Done():
			_ = s.conn.CloseNow()
			return disconnectReason(context.Cause(alive))
		case frame, ok := <-s.sub.Frames():
			if err := s.sub.Err(); !ok || err != nil {
				return s.closeFor(err)
			}
			if err := s.write(ctx, frame); err != nil {
				_ = s.conn.CloseNow()
				return disconnectWrite
			}
		}
	}
}

// write sends one frame as a text message; on timeout the library closes the connection.
func (s wsStream) write(ctx context.Context, frame []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.WriteTimeout)
	defer cancel()
	return s.conn.Write(ctx, websocket.MessageText, frame)
}

// closeFor closes the connection as the end of the subscription, err, requires.
func (s wsStream) closeFor(err error) string {
	if errors.Is(err, live.ErrSlow) {
		s.closeWithin(websocket.StatusPolicyViolation, closeReasonSlow)
		return disconnectSlow
	}
	s.closeWithin(websocket.StatusGoingAway, closeReasonShutdown)
	return disconnectShutdown
}

// closeGrace is how long a client has to answer the close frame. The library would wait 5 s
// for a client that never answers (a suspended laptop, a dead network), holding a shutting-down
// process that long.
const closeGrace = time.Second

// closeWithin sends the close frame and waits for the client's answer at most closeGrace, then
// drops the connection.
func (s wsStream) closeWithin(code websocket.StatusCode, reason string) {
	done := make(chan struct{})
	go func() {
		_ = s.conn.Close(code, reason)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeGrace):
		// Closing the socket under the library ends its wait for the client's close frame.
		if s.raw != nil {
			_ = s.raw.Close()
		}
		<-done
	}
}

// discardReads reads until the connection ends, so close frames, pings and pongs are handled.
func (s wsStream) discardReads(ctx context.Context, cancel context.CancelCauseFunc) {
	for {
		if _, _, err := s.conn.Read(ctx); err != nil {
			cancel(err)
			return
		}
	}
}

// ping pings the client every PingInterval until stop is closed or a pong is late.
func (s wsStream) ping(ctx context.Context, stop <-chan struct{}, cancel context.CancelCauseFunc) {
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			pctx, done := context.WithTimeout(ctx, s.cfg.PongTimeout)
			err := s.conn.Ping(pctx)
			done()
			if err != nil {
				cancel(errNoPong)
				return
			}
		}
	}
}

func disconnectReason(cause error) string {
	switch {
	case errors.Is(cause, errNoPong):
		return disconnectNoPong
	case websocket.CloseStatus(cause) != -1:
		return disconnectClient
	default:
		return disconnectLost
	}
}

// wsMetrics count the connections of /v1/ws and why they end.
type wsMetrics struct {
	connections prometheus.Gauge
	disconnects *prometheus.CounterVec
}

func newWSMetrics(reg prometheus.Registerer) (*wsMetrics, error) {
	connections, err := register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "websocket_connections",
		Help: "Open WebSocket connections of /v1/ws.",
	}))
	if err != nil {
		return nil, err
	}
	disconnects, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "websocket_disconnects_total",
		Help: "Ended WebSocket connections of /v1/ws, by reason: client_closed, connection_lost, ping_timeout, write_failed, slow (dropped for falling behind), token_expired or shutdown: a fixed set, whatever the client does.",
	}, []string{"reason"}))
	if err != nil {
		return nil, err
	}
	return &wsMetrics{connections: connections, disconnects: disconnects}, nil
}
