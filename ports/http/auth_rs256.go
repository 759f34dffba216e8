package httpport

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
)

// maxJWKSBytes bounds the key set document read from the identity provider.
const maxJWKSBytes = 1 << 20

var errUnknownKeyID = errors.New("no key in the key set has the token's kid")

// JWKSAuthenticator accepts RS256 JWTs signed by an identity provider that publishes its keys as
// a JSON Web Key Set. It picks the key by the token's kid, refetches the set every hour and when
// a token names a kid it does not know (at most once a minute), and keeps the last good set when
// a fetch fails. It is safe for concurrent use.
type JWKSAuthenticator struct {
	url    string
	client *http.Client
	opts   authOptions
	parser *jwt.Parser

	mu   sync.RWMutex
	keys map[string]*rsa.PublicKey

	fetchMu   sync.Mutex // one fetch at a time
	lastFetch time.Time  // guarded by fetchMu
}

var _ Authenticator = (*JWKSAuthenticator)(nil)

// NewJWKSAuthenticator fetches the key set at jwksURL with client (a client with a 10 s timeout
// when nil) and returns an authenticator that accepts only alg RS256, requires exp, checks iss
// and aud when configured and allows 30 s of clock skew; sub is the user id. It fails when the
// first fetch does. ctx bounds that fetch and the background refresh: cancel it to stop it.
func NewJWKSAuthenticator(ctx context.Context, jwksURL string, client *http.Client, opts ...AuthOption) (*JWKSAuthenticator, error) {
	u, err := url.Parse(jwksURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("httpport: the JWKS URL %q is not an http(s) URL", jwksURL)
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	o := newAuthOptions(opts)
	if err := o.validate(); err != nil {
		return nil, err
	}
	a := &JWKSAuthenticator{url: jwksURL, client: client, opts: o, parser: o.parser(jwt.SigningMethodRS256.Alg())}
	a.fetchMu.Lock()
	err = a.fetchLocked(ctx)
	a.fetchMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("httpport: %w", err)
	}
	go a.refreshLoop(ctx)
	return a, nil
}

// Authenticate verifies token against the key its kid names and returns its subject.
func (a *JWKSAuthenticator) Authenticate(ctx context.Context, token string) (shared.UserID, error) {
	return verify(a.parser, token, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("the token has no kid")
		}
		return a.key(ctx, kid)
	})
}

// jwksFetchTimeout bounds a refetch made for an unknown kid.
const jwksFetchTimeout = 10 * time.Second

// key returns the key named kid, refetching the set once if kid is unknown and the last fetch
// is older than the minimum gap, so a flood of forged kids cannot hammer the provider.
func (a *JWKSAuthenticator) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if k := a.lookup(kid); k != nil {
		return k, nil
	}
	a.fetchMu.Lock()
	defer a.fetchMu.Unlock()
	if k := a.lookup(kid); k != nil {
		return k, nil
	}
	if time.Since(a.lastFetch) < a.opts.minRefreshGap {
		return nil, errUnknownKeyID
	}
	// The fetch serves every request waiting for this kid, so one caller hanging up must not
	// abort it (and then block refetches for the minimum gap).
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksFetchTimeout)
	defer cancel()
	if err := a.fetchLocked(fetchCtx); err != nil {
		a.opts.logger.WarnContext(ctx, "fetching the JWKS failed", "url", a.url, "error", err)
		return nil, errUnknownKeyID
	}
	if k := a.lookup(kid); k != nil {
		return k, nil
	}
	return nil, errUnknownKeyID
}

func (a *JWKSAuthenticator) lookup(kid string) *rsa.PublicKey {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.keys[kid]
}

func (a *JWKSAuthenticator) refreshLoop(ctx context.Context) {
	ticker := time.NewTicker(a.opts.refreshEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			// Bounded like a refetch: requests with a new kid wait for fetchMu meanwhile.
			fetchCtx, cancel := context.WithTimeout(ctx, jwksFetchTimeout)
			a.fetchMu.Lock()
			err := a.fetchLocked(fetchCtx)
			a.fetchMu.Unlock()
			cancel()
			if err != nil && ctx.Err() == nil {
				a.opts.logger.WarnContext(ctx, "refreshing the JWKS failed; keeping the last key set", "url", a.url, "error", err)
			}
		}
	}
}

// fetchLocked fetches and installs the key set; the caller holds fetchMu. A failed fetch
// leaves the current set in place but still counts for the minimum gap.
func (a *JWKSAuthenticator) fetchLocked(ctx context.Context) error {
	a.lastFetch = time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.url, nil)
	if err != nil {
		return fmt.Errorf("fetch JWKS: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch JWKS: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes))
	if err != nil {
		return fmt.Errorf("fetch JWKS: %w", err)
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.keys = keys
	a.mu.Unlock()
	return nil
}
