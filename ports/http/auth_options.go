package httpport

import (
	"errors"
	"log/slog"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
)

// AuthOption tunes NewHS256Authenticator and NewJWKSAuthenticator.
type AuthOption func(*authOptions)

type authOptions struct {
	issuer        string
	audience      string
	leeway        time.Duration
	refreshEvery  time.Duration
	minRefreshGap time.Duration
	logger        *slog.Logger
}

// Defaults of the authenticators.
const (
	DefaultLeeway            = 30 * time.Second
	DefaultJWKSRefreshEvery  = time.Hour
	DefaultJWKSMinRefreshGap = time.Minute
)

func newAuthOptions(opts []AuthOption) authOptions {
	o := authOptions{
		leeway:        DefaultLeeway,
		refreshEvery:  DefaultJWKSRefreshEvery,
		minRefreshGap: DefaultJWKSMinRefreshGap,
		logger:        slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// validate refuses settings that cannot work: a negative leeway, and refresh periods that are
// not positive (time.NewTicker panics on them).
func (o authOptions) validate() error {
	var errs []error
	if o.leeway < 0 {
		errs = append(errs, errors.New("httpport: the leeway must not be negative"))
	}
	if o.refreshEvery <= 0 || o.minRefreshGap < 0 {
		errs = append(errs, errors.New("httpport: the JWKS refresh period must be positive and its minimum gap not negative"))
	}
	return errors.Join(errs...)
}

// WithIssuer requires the iss claim to equal issuer. Without it iss is not checked.
func WithIssuer(issuer string) AuthOption { return func(o *authOptions) { o.issuer = issuer } }

// WithAudience requires the aud claim to contain audience. Without it aud is not checked.
func WithAudience(audience string) AuthOption { return func(o *authOptions) { o.audience = audience } }

// WithLeeway sets the clock skew allowed on exp, nbf and iat. Default: DefaultLeeway (30 s).
func WithLeeway(d time.Duration) AuthOption { return func(o *authOptions) { o.leeway = d } }

// WithJWKSRefresh sets how often the JWKS authenticator refetches the key set (default: every
// hour) and the least time between two fetches caused by tokens with an unknown key id
// (default: one minute). Ignored by the HS256 authenticator.
func WithJWKSRefresh(every, minGap time.Duration) AuthOption {
	return func(o *authOptions) { o.refreshEvery, o.minRefreshGap = every, minGap }
}

// WithAuthLogger receives the JWKS authenticator's refresh failures. Default: discarded.
func WithAuthLogger(logger *slog.Logger) AuthOption {
	return func(o *authOptions) {
		if logger != nil {
			o.logger = logger
		}
	}
}

// parser accepts only alg, requires exp and checks iss and aud when configured.
func (o authOptions) parser(alg string) *jwt.Parser {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{alg}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(o.leeway),
	}
	if o.issuer != "" {
		opts = append(opts, jwt.WithIssuer(o.issuer))
	}
	if o.audience != "" {
		opts = append(opts, jwt.WithAudience(o.audience))
	}
	return jwt.NewParser(opts...)
}

// verify checks token with p and key and returns its subject as a user id.
func verify(p *jwt.Parser, token string, key jwt.Keyfunc) (shared.UserID, error) {
	var claims jwt.RegisteredClaims
	if _, err := p.ParseWithClaims(token, &claims, key); err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return "", unauthenticated("the bearer token has expired", err)
		}
		return "", unauthenticated("the bearer token is not valid", err)
	}
	user, err := shared.ParseUserID(claims.Subject)
	if err != nil {
		return "", unauthenticated("the bearer token has no valid subject", err)
	}
	return user, nil
}
