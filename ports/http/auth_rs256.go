package httpport

import (
	"context"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
)

// SigningKeys finds the key an identity provider signed a token with, by the token's kid. It is
// declared here, where it is used, so that the port verifies tokens without knowing where the
// keys come from (adapters/jwks fetches them from the provider's JSON Web Key Set with
// keyfunc, whose Keyfunc has this method). Implementations are safe for concurrent use.
type SigningKeys interface {
	// KeyfuncCtx returns the function that finds a token's key; ctx bounds any fetch it makes.
	// It returns an error for a kid it does not know.
	KeyfuncCtx(ctx context.Context) jwt.Keyfunc
}

// RS256Authenticator accepts RS256 JWTs signed by an identity provider, with the key the
// token's kid names. It is safe for concurrent use when its SigningKeys is.
type RS256Authenticator struct {
	keys   SigningKeys
	parser *jwt.Parser
}

var _ Authenticator = (*RS256Authenticator)(nil)

// NewRS256Authenticator returns an authenticator for tokens signed with keys. Only alg RS256
// is accepted (never "none" nor an HMAC alg, which would let the public key serve as a
// secret), exp is required, iss and aud are checked when configured, and 30 s of clock skew
// are allowed. The sub claim is the user id.
func NewRS256Authenticator(keys SigningKeys, opts ...AuthOption) (*RS256Authenticator, error) {
	if keys == nil {
		return nil, errors.New("httpport: nil SigningKeys")
	}
	o := newAuthOptions(opts)
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &RS256Authenticator{keys: keys, parser: o.parser(jwt.SigningMethodRS256.Alg())}, nil
}

// Authenticate verifies token against the key its kid names and returns its subject. A token
// without a kid is refused rather than tried against every key of the set.
func (a *RS256Authenticator) Authenticate(ctx context.Context, token string) (shared.UserID, error) {
	keyOf := a.keys.KeyfuncCtx(ctx)
	return verify(a.parser, token, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("the token has no kid")
		}
		key, err := keyOf(t)
		if err != nil {
			return nil, err
		}
		if key == nil { // a nil key would panic in the signature check
			return nil, fmt.Errorf("no key for kid %q", kid)
		}
		return key, nil
	})
}
