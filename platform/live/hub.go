// Package live fans frames out to the open connections of a user. It knows nothing of what the
// frames mean or how they reach a client: an inbound port registers one subscription per
// connection and writes what arrives on it; a message handler publishes the frames.
//
// Delivery is best effort and never waits: a subscriber that falls behind by more than its
// buffer is dropped, so one slow client can neither hold up the publisher nor the other clients.
package live

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Why a subscription ended; Subscription.Err returns one of them.
var (
	// ErrSlow ends a subscription whose buffer was full when a frame was published for it.
	ErrSlow = errors.New("live: subscriber too slow")
	// ErrClosed ends every subscription when the hub closes, and is the state of one registered
	// after that.
	ErrClosed = errors.New("live: hub closed")
	// ErrReleased ends a subscription its owner released with Subscription.Close.
	ErrReleased = errors.New("live: subscription released")
)

// Config tunes a Hub. The zero value is valid: every field has a documented default.
type Config struct {
	// Buffer is how many frames a subscription holds before its subscriber counts as slow and
	// is dropped. Default: 64.
	Buffer int
}

// DefaultBuffer is the default of Config.Buffer.
const DefaultBuffer = 64

func (c *Config) setDefaults() {
	if c.Buffer == 0 {
		c.Buffer = DefaultBuffer
	}
}

// Validate reports every invalid field of c at once.
func (c Config) Validate() error {
	if c.Buffer < 0 {
		return errors.New("live: Buffer must not be negative")
	}
	return nil
}

// Stats is a snapshot of a Hub's counters.
type Stats struct {
	// Subscribers is the number of subscriptions that receive frames.
	Subscribers int
	// Users is the number of users with at least one such subscription.
	Users int
	// Dropped counts the subscriptions ended with ErrSlow since the hub was made.
	Dropped uint64
}

// Hub delivers frames to every subscription of a user. It is safe for concurrent use.
type Hub struct {
	buffer  int
	dropped atomic.Uint64

	mu       sync.Mutex
	subs     map[string]map[*Subscription]struct{}
	closed   bool
	held     int           // subscriptions registered and not yet released
	released chan struct{} // closed once the hub is closed and held is zero
}

// NewHub returns an open hub. It fails when cfg is invalid.
func NewHub(cfg Config) (*Hub, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Hub{
		buffer:   cfg.Buffer,
		subs:     make(map[string]map[*Subscription]struct{}),
		released: make(chan struct{}),
	}, nil
}

// Register subscribes to the frames published for user from now on. The caller owns the
// subscription and must Close it when done. On a closed hub the subscription has already
// ended with ErrClosed.
func (h *Hub) Register(user string) *Subscription {
	s := &Subscription{hub: h, user: user, frames: make(chan []byte, h.buffer)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.end(ErrClosed)
		s.released = true
		return s
	}
	h.held++
	if h.subs[user] == nil {
		h.subs[user] = make(map[*Subscription]struct{})
	}
	h.subs[user][s] = struct{}{}
	return s
}

// Publish offers frame to every subscription of user without waiting: one whose buffer is full
// is ended with ErrSlow and counted in Stats.Dropped. The subscribers share frame, so the caller
// must not change it afterwards. Publishing for a user without subscriptions does nothing.
func (h *Hub) Publish(user string, frame []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[user] {
		select {
		case s.frames <- frame:
		default:
			h.removeLocked(s)
			s.end(ErrSlow)
			h.dropped.Add(1)
		}
	}
}

// Close ends every subscription with ErrClosed; later ones are born ended. It does not wait for
// their owners: Shutdown does. Calling it again does nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for _, set := range h.subs {
		for s := range set {
			s.end(ErrClosed)
		}
	}
	clear(h.subs)
	h.releasedLocked()
}

// Shutdown closes the hub and waits until the owners of its subscriptions have released them
// all (a WebSocket handler, say, after sending its close frame), or until ctx is done, whose
// error it then returns. http.Server.Shutdown does not wait for hijacked connections; this does.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.Close()
	select {
	case <-h.released:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns the hub's current counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := Stats{Users: len(h.subs), Dropped: h.dropped.Load()}
	for _, set := range h.subs {
		st.Subscribers += len(set)
	}
	return st
}

// removeLocked stops delivering to s. h.mu must be held.
func (h *Hub) removeLocked(s *Subscription) {
	set := h.subs[s.user]
	delete(set, s)
	if len(set) == 0 {
		delete(h.subs, s.user)
	}
}

// releasedLocked signals Shutdown once nothing is held after Close. h.mu must be held.
func (h *Hub) releasedLocked() {
	if h.closed && h.held == 0 {
		select {
		case <-h.released:
		default:
			close(h.released)
		}
	}
}
