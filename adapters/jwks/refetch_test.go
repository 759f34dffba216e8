package jwks_test

import (
	"context"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/jwks"
)

// A flood of tokens with forged kids must not hammer the provider.
func TestUnknownKidRefetchesAtMostOncePerGap(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "k1")
	s := newKeySet(t, p, jwks.Config{})
	p.setKids("k1", "k2")
	for range 5 {
		if _, err := keyOf(t.Context(), s, "k2"); err == nil {
			t.Fatalf("a rotated kid within the minimum gap: found (%v), want it refused", err)
		}
	}
	if n := p.fetches.Load(); n != 1 {
		t.Fatalf("fetches = %d, want 1 (the first); unknown kids must not refetch within the gap", n)
	}

	eager := newKeySet(t, p, jwks.Config{MinRefreshGap: time.Nanosecond})
	p.setKids("k3")
	if key, err := keyOf(t.Context(), eager, "k3"); err != nil || !key.Equal(testKey()) {
		t.Fatalf("after rotation: PublicKey(k3) = %v, %v; want the provider's key", key, err)
	}
	if _, err := keyOf(t.Context(), eager, "k1"); err == nil {
		t.Fatalf("a key rotated out: found (%v), want it refused", err)
	}
}

// The refetch serves every caller waiting for the kid, so the one that asked may hang up.
func TestUnknownKidRefetchOutlivesTheCaller(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "k1")
	s := newKeySet(t, p, jwks.Config{MinRefreshGap: time.Nanosecond})
	p.setKids("k2")
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := keyOf(gone, s, "k2"); err != nil {
		t.Fatalf("PublicKey with a cancelled context: %v", err)
	}
}
