package jwks

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/taskstream/taskstream/platform/redact"
)

// ErrUnknownKeyID is returned for a key id the set does not hold, even after fetching it again.
var ErrUnknownKeyID = errors.New("jwks: no key in the key set has this kid")

// KeySet holds the RS256 signing keys of an identity provider's JSON Web Key Set by key id,
// refreshed as Config says. It is safe for concurrent use.
type KeySet struct {
	cfg Config

	mu   sync.RWMutex
	keys map[string]*rsa.PublicKey

	fetchMu   sync.Mutex // one fetch at a time
	lastFetch time.Time  // guarded by fetchMu
}

// New fetches the set at cfg.URL and returns it, refreshing in the background until ctx is
// done: cancel ctx to stop it. ctx also bounds the first fetch. It fails when the first fetch
// does, or when the set holds no usable RS256 key.
func New(ctx context.Context, cfg Config) (*KeySet, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &KeySet{cfg: cfg}
	s.fetchMu.Lock()
	err := s.fetchLocked(ctx)
	s.fetchMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	go s.refreshLoop(ctx)
	return s, nil
}

// PublicKey returns the key named kid. A kid the set does not hold makes it fetch the set once
// more, unless the last fetch is less than MinRefreshGap ago; ErrUnknownKeyID when kid is still
// unknown after that. A failed fetch is logged and keeps the set as it was.
func (s *KeySet) PublicKey(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if kid == "" {
		return nil, ErrUnknownKeyID // parse skips keys without a kid: not worth a fetch
	}
	if k := s.lookup(kid); k != nil {
		return k, nil
	}
	s.fetchMu.Lock()
	defer s.fetchMu.Unlock()
	if k := s.lookup(kid); k != nil {
		return k, nil
	}
	if time.Since(s.lastFetch) < s.cfg.MinRefreshGap {
		return nil, ErrUnknownKeyID
	}
	// The fetch serves every caller waiting for this kid, so one caller hanging up must not
	// abort it (and then block refetches for the minimum gap).
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	if err := s.fetchLocked(fetchCtx); err != nil {
		s.cfg.Logger.WarnContext(ctx, "fetching the JWKS failed", "url", redact.URL(s.cfg.URL), "error", err)
		return nil, ErrUnknownKeyID
	}
	if k := s.lookup(kid); k != nil {
		return k, nil
	}
	return nil, ErrUnknownKeyID
}

func (s *KeySet) lookup(kid string) *rsa.PublicKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys[kid]
}
