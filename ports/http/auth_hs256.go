package httpport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
)

// MinHS256SecretLength is the shortest HS256 secret accepted, in bytes: RFC 7518 asks for a
// key at least as long as the hash (256 bits).
const MinHS256SecretLength = 32

// HS256Authenticator accepts JWTs signed with HMAC-SHA256 and a shared secret. It is safe for
// concurrent use.
type HS256Authenticator struct {
	secret []byte
	parser *jwt.Parser
}

var _ Authenticator = (*HS256Authenticator)(nil)

// NewHS256Authenticator returns an authenticator for tokens signed with secret. Only alg HS256
// is accepted (never "none" nor an RSA alg), exp is required, iss and aud are checked when
// configured, and 30 s of clock skew are allowed. The sub claim is the user id.
func NewHS256Authenticator(secret []byte, opts ...AuthOption) (*HS256Authenticator, error) {
	if len(secret) < MinHS256SecretLength {
		return nil, fmt.Errorf("httpport: the HS256 secret must be at least %d bytes", MinHS256SecretLength)
	}
	o := newAuthOptions(opts)
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &HS256Authenticator{secret: append([]byte(nil), secret...), parser: o.parser(jwt.SigningMethodHS256.Alg())}, nil
}

// Authenticate verifies token and returns its subject.
func (a *HS256Authenticator) Authenticate(_ context.Context, token string) (shared.UserID, error) {
	return verify(a.parser, token, func(*jwt.Token) (any, error) { return a.secret, nil })
}

// IssueHS256Token returns a token for userID signed with secret, valid for ttl: the token the
// `taskstream token` command prints and the tests use. It carries sub, iat and exp, iss and aud
// when WithIssuer and WithAudience are given, so that the service's own authenticator, which
// checks them when configured, accepts it, and roles when WithRoles is (the leeway does not
// apply).
func IssueHS256Token(secret []byte, userID string, ttl time.Duration, opts ...AuthOption) (string, error) {
	if len(secret) < MinHS256SecretLength {
		return "", fmt.Errorf("httpport: the HS256 secret must be at least %d bytes", MinHS256SecretLength)
	}
	if _, err := shared.ParseUserID(userID); err != nil {
		return "", fmt.Errorf("httpport: %w", err)
	}
	if ttl <= 0 {
		return "", errors.New("httpport: the token lifetime must be positive")
	}
	now := time.Now()
	o := newAuthOptions(opts)
	claims := issuedClaims{RegisteredClaims: jwt.RegisteredClaims{
		Subject:   userID,
		Issuer:    o.issuer,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}, Roles: o.roles}
	if o.audience != "" {
		claims.Audience = jwt.ClaimStrings{o.audience}
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
}

// issuedClaims are the claims of an issued token: the registered ones and the roles.
type issuedClaims struct {
	jwt.RegisteredClaims
	Roles []string `json:"roles,omitempty"`
}
