package jwks

import (
	"context"
	"fmt"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/taskstream/taskstream/platform/redact"
)

// KeySet holds the RS256 signing keys of an identity provider's JSON Web Key Set by key id,
// refreshed as Config says. It is safe for concurrent use.
type KeySet struct {
	keys keyfunc.Keyfunc
	stop context.CancelFunc
}

// New fetches the set at cfg.URL and returns it, refreshing in the background until ctx is
// done: cancel ctx to stop it. It fails when the first fetch does, or when the set holds no
// usable RS256 key.
func New(ctx context.Context, cfg Config) (*KeySet, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// jwkset starts its refresh goroutine before the first fetch: a failed start must stop it.
	ctx, cancel := context.WithCancel(ctx)
	store, err := jwkset.NewStorageFromHTTP(cfg.URL, jwkset.HTTPClientStorageOptions{
		Client:              newClient(cfg.Transport),
		Ctx:                 ctx,
		HTTPTimeout:         DefaultTimeout,
		RefreshErrorHandler: logFailure(cfg),
		RefreshInterval:     cfg.RefreshEvery,
		Storage:             rs256Keys{jwkset.NewMemoryStorage()},
	})
	if err != nil {
		cancel()
		// net/http quotes the URL, query string and all: the error shows where it went, not a secret.
		return nil, fmt.Errorf("jwks: %w", redact.Error(err))
	}
	// The first fetch counts as the last one: the next fetch for an unknown kid comes no sooner
	// than MinRefreshGap after the start.
	unknownKID := rate.NewLimiter(rate.Every(cfg.MinRefreshGap), 1)
	unknownKID.Allow()
	client, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs: map[string]jwkset.Storage{cfg.URL: store},
		// A fetch for an unknown kid waits for the limiter only when its turn comes within
		// DefaultTimeout, and that wait and the fetch share this bound: any other caller is
		// refused at once instead of queueing.
		RateLimitWaitMax:  DefaultTimeout,
		RefreshUnknownKID: unknownKID,
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("jwks: %w", err)
	}
	keys, err := keyfunc.New(keyfunc.Options{Ctx: ctx, Storage: client})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("jwks: %w", err)
	}
	return &KeySet{keys: keys, stop: cancel}, nil
}

// Close stops the background refresh, as the end of New's ctx does. The keys stay usable.
func (s *KeySet) Close() { s.stop() }

// KeyfuncCtx returns the jwt.Keyfunc that finds a token's key by its kid, checking that the
// key's alg, when the set names one, is the token's. A kid the set does not hold makes it fetch
// the set again, at most once per MinRefreshGap; that fetch serves every caller waiting for the
// kid, so it goes on when the caller that asked hangs up (it is bounded by DefaultTimeout).
func (s *KeySet) KeyfuncCtx(ctx context.Context) jwt.Keyfunc {
	return s.keys.KeyfuncCtx(context.WithoutCancel(ctx))
}

// logFailure logs a failed fetch after the first: a refresh or a refetch for an unknown kid.
func logFailure(cfg Config) func(context.Context, error) {
	where := redact.URL(cfg.URL)
	return func(ctx context.Context, err error) {
		cfg.Logger.WarnContext(ctx, "fetching the JWKS failed; keeping the last key set", "url", where, "error", redact.Error(err))
	}
}
