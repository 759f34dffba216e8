package httpport

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/live"
)

// How a browser, which cannot set headers on a WebSocket handshake, sends its bearer token: as
// the access_token query parameter (RFC 6750, section 2.3), or as the subprotocol pair
// "bearer, <token>" in Sec-WebSocket-Protocol, of which the server selects "bearer" and never
// echoes the token. A JWT is a valid subprotocol token (letters, digits, "-", "_" and ".").
const (
	WebSocketSubprotocol = "bearer"
	WebSocketQueryToken  = "access_token"
)

// WebSocketConfig tunes GET /v1/ws. The zero value is valid: every field has a documented
// default.
type WebSocketConfig struct {
	// WriteTimeout bounds the write of one frame to a client. A client that does not take a
	// frame in time is disconnected at once, without a close frame (it would not read one).
	// Default: 10 s.
	WriteTimeout time.Duration
	// PingInterval is how often each client is pinged, so dead peers and idle proxies are
	// noticed. Default: 30 s.
	PingInterval time.Duration
	// PongTimeout is how long a client has to answer a ping before it is disconnected.
	// Default: 10 s.
	PongTimeout time.Duration
	// MaxConnectionsPerUser caps one user's open connections on this instance; the handshake
	// past it is refused with 429 before the upgrade (ws_limits.go). Default: 16.
	MaxConnectionsPerUser int
	// MaxConnections caps the open connections of this instance; the handshake past it is
	// refused with 503 and Retry-After before the upgrade. Keep it below the server's
	// connection cap (ServerConfig.MaxConnections), which counts WebSockets too, so requests
	// keep some connections. Default: three quarters of DefaultMaxConnections (3072).
	MaxConnections int
}

// Defaults of WebSocketConfig.
const (
	DefaultWebSocketWriteTimeout = 10 * time.Second
	DefaultWebSocketPingInterval = 30 * time.Second
	DefaultWebSocketPongTimeout  = 10 * time.Second

	DefaultWebSocketMaxConnectionsPerUser = 16
	DefaultWebSocketMaxConnections        = DefaultMaxConnections * 3 / 4
)

func (c *WebSocketConfig) setDefaults() {
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWebSocketWriteTimeout
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultWebSocketPingInterval
	}
	if c.PongTimeout == 0 {
		c.PongTimeout = DefaultWebSocketPongTimeout
	}
	if c.MaxConnectionsPerUser == 0 {
		c.MaxConnectionsPerUser = DefaultWebSocketMaxConnectionsPerUser
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = DefaultWebSocketMaxConnections
	}
}

func (c WebSocketConfig) validate() error {
	if c.WriteTimeout < 0 || c.PingInterval < 0 || c.PongTimeout < 0 {
		return errors.New("httpport: WebSocket timeouts and intervals must not be negative")
	}
	return c.validateCaps()
}

var (
	errLiveDisabled = &httpError{status: http.StatusServiceUnavailable,
		err: shared.Unavailable("live updates are not enabled on this instance", nil)}
	errLiveClosed = &httpError{status: http.StatusServiceUnavailable,
		err: shared.Unavailable("the server is shutting down; reconnect", nil)}
	errUpgradeRequired = &httpError{status: http.StatusUpgradeRequired,
		err: &shared.Error{Kind: shared.KindInvalid, Message: "this resource is a WebSocket: send a GET with Connection: Upgrade and Upgrade: websocket"}}
)

// liveRoutes serves GET /v1/ws: each of the caller's task changes, pushed as it happens.
//
// The engine's middleware does not get in the way of the hijacked connection: the body limit
// wraps a GET body nobody reads, net/http clears the connection's deadlines on hijack, and the
// access log and request counter record the 101 when the connection ends (the latency
// histogram leaves upgrades out: their duration is a connection's lifetime).
type liveRoutes struct {
	hub     *live.Hub // nil: live updates are off
	cfg     WebSocketConfig
	logger  *slog.Logger
	metrics *wsMetrics
	slots   *wsSlots
	accept  websocket.AcceptOptions
}

func newLiveRoutes(cfg WebSocketConfig, deps Deps, logger *slog.Logger) (*liveRoutes, error) {
	metrics, err := newWSMetrics(deps.Registry)
	if err != nil {
		return nil, err
	}
	slots, err := newWSSlots(cfg, deps.Registry)
	if err != nil {
		return nil, err
	}
	return &liveRoutes{hub: deps.Hub, cfg: cfg, logger: logger, metrics: metrics, slots: slots, accept: websocket.AcceptOptions{
		Subprotocols: []string{WebSocketSubprotocol},
		// Any origin may connect: the bearer token is never sent by the browser on its own
		// (unlike a cookie), so a foreign page cannot hijack a user's socket without it.
		InsecureSkipVerify: true,
	}}, nil
}

// register routes /ws on r, a /v1 group that authenticates with webSocketToken.
func (l *liveRoutes) register(r gin.IRoutes) {
	getAndHead(r, "/ws", l.serve)
}

// serve upgrades the authenticated request and streams the caller's frames until the client
// leaves, falls behind or the hub closes. The subscription starts before the 101 is sent, so
// every frame published after the handshake reaches the client.
// A handshake past the user's or the instance's cap is refused before the upgrade; the slot is
// held until the connection ends.
func (l *liveRoutes) serve(c *gin.Context) {
	if l.hub == nil {
		abortWithProblem(c, l.logger, errLiveDisabled)
		return
	}
	if !isWebSocketHandshake(c.Request.Header) {
		c.Header("Upgrade", "websocket")
		c.Header("Connection", "Upgrade")
		abortWithProblem(c, l.logger, errUpgradeRequired)
		return
	}
	user := string(userOf(c))
	if err := l.slots.acquire(user); err != nil {
		abortWithProblem(c, l.logger, err)
		return
	}
	defer l.slots.release(user)
	sub := l.hub.Register(user)
	defer sub.Close()
	if sub.Err() != nil {
		abortWithProblem(c, l.logger, errLiveClosed)
		return
	}
	hijacked := &hijackRecorder{ResponseWriter: c.Writer}
	conn, err := websocket.Accept(hijacked, c.Request, &l.accept)
	if err != nil { // Accept has answered
		l.logger.InfoContext(c.Request.Context(), "websocket handshake refused", "error", err)
		return
	}
	conn.SetReadLimit(wsReadLimit)
	// The request's context ends when this handler returns; the stream decides before that.
	ctx := context.WithoutCancel(c.Request.Context())
	l.metrics.connections.Inc()
	defer l.metrics.connections.Dec()
	stream := wsStream{conn: conn, raw: hijacked.conn, sub: sub, cfg: l.cfg}
	if token, ok := webSocketToken(c); ok {
		stream.expires, _ = expiryOf(token)
	}
	reason := stream.run(ctx)
	l.metrics.disconnects.WithLabelValues(reason).Inc()
	l.logger.DebugContext(ctx, "websocket closed", "reason", reason)
}

// webSocketToken takes the bearer token from the Authorization header, else from the
// subprotocol pair "bearer, <token>", else from the access_token query parameter.
func webSocketToken(c *gin.Context) (string, bool) {
	if c.GetHeader("Authorization") != "" {
		return headerToken(c)
	}
	protocols := headerTokens(c.Request.Header, "Sec-WebSocket-Protocol")
	for i, p := range protocols {
		if strings.EqualFold(p, WebSocketSubprotocol) && i+1 < len(protocols) {
			return protocols[i+1], true
		}
	}
	token := c.Query(WebSocketQueryToken)
	return token, token != ""
}

// isWebSocketHandshake reports whether h asks to upgrade the connection to a WebSocket.
func isWebSocketHandshake(h http.Header) bool {
	return hasToken(headerTokens(h, "Connection"), "upgrade") && hasToken(headerTokens(h, "Upgrade"), "websocket")
}

// headerTokens splits the comma-separated values of the header key, trimmed, empty ones left out.
func headerTokens(h http.Header, key string) []string {
	var tokens []string
	for _, v := range h.Values(key) {
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tokens = append(tokens, t)
			}
		}
	}
	return tokens
}

func hasToken(tokens []string, want string) bool {
	for _, t := range tokens {
		if strings.EqualFold(t, want) {
			return true
		}
	}
	return false
}

// hijackRecorder keeps the connection the WebSocket library hijacks, so that a close the client
// never answers can be cut short (wsStream.closeWithin): the library itself waits 5 s for it.
type hijackRecorder struct {
	gin.ResponseWriter
	conn net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := h.ResponseWriter.Hijack()
	h.conn = conn
	return conn, rw, err
}
