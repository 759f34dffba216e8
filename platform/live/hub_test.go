package live_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/platform/live"
)

func newHub(t *testing.T, buffer int) *live.Hub {
	t.Helper()
	h, err := live.NewHub(live.Config{Buffer: buffer})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// receive returns the next frame of s, failing after a second.
func receive(t *testing.T, s *live.Subscription) string {
	t.Helper()
	select {
	case f, ok := <-s.Frames():
		if !ok {
			t.Fatalf("subscription ended: %v", s.Err())
		}
		return string(f)
	case <-time.After(time.Second):
		t.Fatal("no frame within a second")
		return ""
	}
}

// ended waits for the end of s, draining what is buffered, and returns why it ended.
func ended(t *testing.T, s *live.Subscription) error {
	t.Helper()
	timeout := time.After(time.Second)
	for {
		select {
		case _, ok := <-s.Frames():
			if !ok {
				return s.Err()
			}
		case <-timeout:
			t.Fatal("the subscription did not end within a second")
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	if _, err := live.NewHub(live.Config{Buffer: -1}); err == nil {
		t.Error("a negative buffer was accepted")
	}
	if _, err := live.NewHub(live.Config{}); err != nil {
		t.Errorf("the zero config was refused: %v", err)
	}
}

func TestPublishReachesEverySubscriptionOfTheUserOnly(t *testing.T) {
	t.Parallel()
	h := newHub(t, 4)
	a1, a2, b := h.Register("alice"), h.Register("alice"), h.Register("bob")
	defer a1.Close()
	defer a2.Close()
	defer b.Close()

	h.Publish("alice", []byte("a-1"))
	h.Publish("carol", []byte("nobody listens"))
	h.Publish("bob", []byte("b-1"))
	h.Publish("alice", []byte("a-2"))

	for _, s := range []*live.Subscription{a1, a2} {
		if got := receive(t, s) + "," + receive(t, s); got != "a-1,a-2" {
			t.Errorf("alice got %s, want a-1,a-2 in order", got)
		}
	}
	if got := receive(t, b); got != "b-1" {
		t.Errorf("bob got %s, want b-1", got)
	}
	if n := len(b.Frames()); n != 0 {
		t.Errorf("bob has %d more frames, want none of alice's", n)
	}
	if st := h.Stats(); st.Subscribers != 3 || st.Users != 2 || st.Dropped != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSlowSubscriberIsDroppedWithoutBlockingOthers(t *testing.T) {
	t.Parallel()
	const buffer, frames = 2, 100
	h := newHub(t, buffer)
	slow, fast := h.Register("alice"), h.Register("alice")
	defer slow.Close()
	defer fast.Close()

	got := make(chan int)
	go func() { // the fast subscriber takes every frame as it comes
		n := 0
		for range fast.Frames() {
			n++
			if n == frames {
				break
			}
		}
		got <- n
	}()
	published := make(chan struct{})
	go func() { // the slow one never reads; Publish must still return every time
		defer close(published)
		for i := range frames {
			h.Publish("alice", []byte(fmt.Sprint(i)))
			// Wait until the fast subscriber took the frame, so only the slow one falls behind.
			for len(fast.Frames()) > 0 {
				time.Sleep(10 * time.Microsecond)
			}
		}
	}()
	select {
	case <-published:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on the slow subscriber")
	}
	select {
	case n := <-got:
		if n != frames {
			t.Errorf("the fast subscriber got %d frames, want %d", n, frames)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the fast subscriber did not get every frame")
	}
	if err := fast.Err(); err != nil {
		t.Errorf("the fast subscriber ended: %v", err)
	}
	if err := ended(t, slow); !errors.Is(err, live.ErrSlow) {
		t.Errorf("the slow subscriber ended with %v, want ErrSlow", err)
	}
	if st := h.Stats(); st.Dropped != 1 || st.Subscribers != 1 {
		t.Errorf("stats = %+v, want one dropped and one left", st)
	}
}

func TestDroppedSubscriberStopsAtOnce(t *testing.T) {
	t.Parallel()
	h := newHub(t, 1)
	s := h.Register("alice")
	defer s.Close()
	h.Publish("alice", []byte("kept"))
	h.Publish("alice", []byte("overflows"))
	if !errors.Is(s.Err(), live.ErrSlow) {
		t.Fatalf("Err = %v, want ErrSlow before the buffered frame is read", s.Err())
	}
	h.Publish("alice", []byte("after the drop"))
	if got := receive(t, s); got != "kept" {
		t.Errorf("buffered frame = %q", got)
	}
	if _, ok := <-s.Frames(); ok {
		t.Error("a frame published after the drop was delivered")
	}
}

func TestCloseEndsEverySubscriptionAndLaterOnes(t *testing.T) {
	t.Parallel()
	h := newHub(t, 4)
	a, b := h.Register("alice"), h.Register("bob")
	h.Close()
	h.Close() // idempotent
	for _, s := range []*live.Subscription{a, b} {
		if err := ended(t, s); !errors.Is(err, live.ErrClosed) {
			t.Errorf("ended with %v, want ErrClosed", err)
		}
		s.Close()
	}
	late := h.Register("alice")
	if err := ended(t, late); !errors.Is(err, live.ErrClosed) {
		t.Errorf("a subscription after Close ended with %v, want ErrClosed", err)
	}
	late.Close()
	h.Publish("alice", []byte("x")) // must not panic on closed channels
	if st := h.Stats(); st.Subscribers != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSubscriptionCloseReleases(t *testing.T) {
	t.Parallel()
	h := newHub(t, 4)
	s := h.Register("alice")
	s.Close()
	s.Close() // idempotent
	if err := ended(t, s); !errors.Is(err, live.ErrReleased) {
		t.Errorf("ended with %v, want ErrReleased", err)
	}
	h.Publish("alice", []byte("x"))
	if st := h.Stats(); st.Subscribers != 0 || st.Users != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestShutdownWaitsForOwnersToRelease(t *testing.T) {
	t.Parallel()
	h := newHub(t, 4)
	s := h.Register("alice")
	dropped := h.Register("alice")
	h.Publish("alice", []byte("1"))
	h.Publish("alice", []byte("2"))
	h.Publish("alice", []byte("3"))
	h.Publish("alice", []byte("4"))
	h.Publish("alice", []byte("5")) // both buffers full: both dropped, neither released yet

	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := h.Shutdown(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v with unreleased subscriptions, want the deadline", err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Shutdown(context.Background()) }()
	s.Close()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v with one subscription still held", err)
	case <-time.After(20 * time.Millisecond):
	}
	dropped.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown = %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Shutdown did not return once every subscription was released")
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	h := newHub(t, 8)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			user := fmt.Sprint("user-", i%3)
			for range 50 {
				s := h.Register(user)
				h.Publish(user, []byte("x"))
				_ = h.Stats()
				s.Close()
			}
		})
		wg.Go(func() {
			for range 200 {
				h.Publish(fmt.Sprint("user-", i%3), []byte("y"))
			}
		})
	}
	wg.Wait()
	if err := h.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown = %v", err)
	}
}
