package httpport

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
)

// AuthOption tunes NewHS256Authenticator and NewRS256Authenticator.
type AuthOption func(*authOptions)

type authOptions struct {
	issuer   string
	audience string
	leeway   time.Duration
	// roles go into the roles claim of the tokens IssueHS256Token issues; the authenticators
	// ignore them.
	roles []string
}

// DefaultLeeway is the clock skew the authenticators allow unless WithLeeway says otherwise.
const DefaultLeeway = 30 * time.Second

func newAuthOptions(opts []AuthOption) authOptions {
	o := authOptions{leeway: DefaultLeeway}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// validate refuses settings that cannot work: a negative leeway would refuse tokens that are
// still valid.
func (o authOptions) validate() error {
	if o.leeway < 0 {
		return errors.New("httpport: the leeway must not be negative")
	}
	return nil
}

// WithIssuer requires the iss claim to equal issuer. Without it iss is not checked.
func WithIssuer(issuer string) AuthOption { return func(o *authOptions) { o.issuer = issuer } }

// WithAudience requires the aud claim to contain audience. Without it aud is not checked.
func WithAudience(audience string) AuthOption { return func(o *authOptions) { o.audience = audience } }

// WithRoles puts roles in the roles claim of the token IssueHS256Token issues (OperatorRole
// opens the operator routes). The authenticators ignore it.
func WithRoles(roles ...string) AuthOption {
	return func(o *authOptions) { o.roles = append(o.roles, roles...) }
}

// WithLeeway sets the clock skew allowed on exp, nbf and iat. Default: DefaultLeeway (30 s).
func WithLeeway(d time.Duration) AuthOption { return func(o *authOptions) { o.leeway = d } }

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

// verify checks token with p and key and returns its subject as a user id. Claims are read
// into a map so that names match exactly, and a token naming a claim twice is refused
// (auth_claims.go).
func verify(p *jwt.Parser, token string, key jwt.Keyfunc) (shared.UserID, error) {
	if err := checkUniqueMembers(token); err != nil {
		return "", unauthenticated("the bearer token is not valid", err)
	}
	claims := jwt.MapClaims{}
	if _, err := p.ParseWithClaims(token, claims, key); err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return "", unauthenticated("the bearer token has expired", err)
		}
		return "", unauthenticated("the bearer token is not valid", err)
	}
	subject, err := claims.GetSubject()
	if err != nil {
		return "", unauthenticated("the bearer token has no valid subject", err)
	}
	user, err := shared.ParseUserID(subject)
	if err != nil {
		return "", unauthenticated("the bearer token has no valid subject", err)
	}
	return user, nil
}
