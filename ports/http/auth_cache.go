package httpport

import (
	"context"
	"sync"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Bounds of the verified-token cache.
const (
	tokenCacheEntries = 10000
	tokenCacheTTL     = time.Minute
)

// cachingAuthenticator remembers the tokens its next authenticator accepted, so a client that
// sends the same token on every request pays for the signature check and the claims parsing
// (about a tenth of a POST's CPU) once a minute instead of every time. An entry lives until the
// token's exp or for tokenCacheTTL, whichever comes first, so a key removed from a JWKS stops
// working within a minute. Refused tokens are never cached. It is safe for concurrent use.
type cachingAuthenticator struct {
	next Authenticator
	now  func() time.Time

	mu      sync.RWMutex
	entries map[string]cachedToken
}

type cachedToken struct {
	user  shared.UserID
	until time.Time
}

func newCachingAuthenticator(next Authenticator, now func() time.Time) *cachingAuthenticator {
	return &cachingAuthenticator{next: next, now: now, entries: make(map[string]cachedToken)}
}

// Authenticate answers from the cache when it can and asks the next authenticator otherwise.
func (c *cachingAuthenticator) Authenticate(ctx context.Context, token string) (shared.UserID, error) {
	now := c.now()
	c.mu.RLock()
	e, ok := c.entries[token]
	c.mu.RUnlock()
	if ok && now.Before(e.until) {
		return e.user, nil
	}
	user, err := c.next.Authenticate(ctx, token)
	if err != nil {
		return "", err
	}
	if exp, ok := expiryOf(token); ok {
		c.put(token, cachedToken{user: user, until: minTime(exp, now.Add(tokenCacheTTL))})
	}
	return user, nil
}

func (c *cachingAuthenticator) put(token string, e cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= tokenCacheEntries {
		clear(c.entries) // crude but bounded; a full cache only costs re-verification
	}
	c.entries[token] = e
}

// expiryOf reads the exp claim of a token that has already been verified, by its exact name
// as the verifier did: an "Exp" beside it must not stretch the cache past the real expiry.
func expiryOf(token string) (time.Time, bool) {
	var exp float64
	if !segmentMember(token, 1, "exp", &exp) {
		return time.Time{}, false
	}
	return time.Unix(int64(exp), 0), true
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
