package live

import "sync/atomic"

// Subscription receives the frames published for one user. Frames and Err are safe for
// concurrent use; Close may be called from any goroutine, any number of times.
type Subscription struct {
	hub    *Hub
	user   string
	frames chan []byte
	err    atomic.Pointer[error] // set once, before frames is closed

	released bool // guarded by hub.mu
}

// Frames delivers the subscription's frames in the order they were published. It is closed
// when the subscription ends; Err then says why. Frames still buffered when it ends can be
// received before the close is seen: check Err first to stop at once.
func (s *Subscription) Frames() <-chan []byte { return s.frames }

// Err is nil while the subscription receives frames, then ErrSlow, ErrClosed or ErrReleased.
func (s *Subscription) Err() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Close releases the subscription: no more frames are delivered to it, and a hub's Shutdown
// stops waiting for it.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.released {
		return
	}
	s.released = true
	h.held--
	if s.Err() == nil {
		h.removeLocked(s)
		s.end(ErrReleased)
	}
	h.releasedLocked()
}

// end records why the subscription ended and closes Frames. hub.mu must be held (every send to
// frames happens under it), and end is called at most once per subscription.
func (s *Subscription) end(err error) {
	s.err.Store(&err)
	close(s.frames)
}
