package httpport

import (
	"errors"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/domain/shared"
)

// Refusal reasons, the label values of websocket_refused_total.
const (
	refusedUserLimit     = "user_limit"
	refusedInstanceLimit = "instance_limit"
)

var (
	// A user past the cap is told so with 429 (the cure is to close another of their sockets);
	// no Retry-After, since no wait frees a slot.
	errWSUserLimit = &httpError{status: http.StatusTooManyRequests, slug: "too-many-requests",
		err: &shared.Error{Kind: shared.KindInvalid, Message: "too many open WebSocket connections for this user; close one first"}}
	// An instance past its cap answers 503 with Retry-After, so a client or a load balancer
	// tries again, maybe elsewhere.
	errWSInstanceLimit = &httpError{status: http.StatusServiceUnavailable,
		err: shared.Unavailable("this instance has as many WebSocket connections as it takes; retry later", nil)}
)

// wsSlots counts the open WebSockets of each user and of the instance, so that a handshake past
// either cap is refused before the upgrade. A slot is held from the check until the connection
// ends. byUser holds only users with an open socket, so it has at most maxTotal keys.
type wsSlots struct {
	maxPerUser, maxTotal int
	refused              *prometheus.CounterVec

	mu     sync.Mutex
	open   int
	byUser map[string]int
}

func newWSSlots(cfg WebSocketConfig, reg prometheus.Registerer) (*wsSlots, error) {
	refused, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "websocket_refused_total",
		Help: "WebSocket handshakes of /v1/ws refused before the upgrade, by reason: user_limit (429) or instance_limit (503).",
	}, []string{"reason"}))
	if err != nil {
		return nil, err
	}
	refused.WithLabelValues(refusedUserLimit)
	refused.WithLabelValues(refusedInstanceLimit)
	return &wsSlots{
		maxPerUser: cfg.MaxConnectionsPerUser, maxTotal: cfg.MaxConnections,
		refused: refused, byUser: make(map[string]int),
	}, nil
}

// acquire takes a slot for a connection of user, or returns why it cannot. A user at their
// cap learns that first, whether or not the instance is full too.
func (s *wsSlots) acquire(user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.byUser[user] >= s.maxPerUser:
		s.refused.WithLabelValues(refusedUserLimit).Inc()
		return errWSUserLimit
	case s.open >= s.maxTotal:
		s.refused.WithLabelValues(refusedInstanceLimit).Inc()
		return errWSInstanceLimit
	}
	s.open++
	s.byUser[user]++
	return nil
}

// release gives back a slot acquire took for user.
func (s *wsSlots) release(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open--
	if n := s.byUser[user] - 1; n > 0 {
		s.byUser[user] = n
	} else {
		delete(s.byUser, user)
	}
}

func (c WebSocketConfig) validateCaps() error {
	if c.MaxConnectionsPerUser < 0 || c.MaxConnections < 0 {
		return errors.New("httpport: WebSocket connection caps must not be negative")
	}
	return nil
}
