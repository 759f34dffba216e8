package httpport

import (
	"context"

	"github.com/taskstream/taskstream/domain/shared"
)

// MultiAuthenticator sends each token to the authenticator for the alg in its header: HS256
// tokens to HS256, RS256 tokens to RS256. A nil field, or any other alg, refuses the token.
// It is safe for concurrent use when its fields are.
type MultiAuthenticator struct {
	HS256 Authenticator
	RS256 Authenticator
}

var _ Authenticator = MultiAuthenticator{}

// Authenticate picks the authenticator by the token's alg. The alg is only a hint read before
// verification: the chosen authenticator itself accepts nothing but its own alg.
func (m MultiAuthenticator) Authenticate(ctx context.Context, token string) (shared.UserID, error) {
	var next Authenticator
	switch tokenAlg(token) {
	case "HS256":
		next = m.HS256
	case "RS256":
		next = m.RS256
	}
	if next == nil {
		return "", unauthenticated("the bearer token is not valid", nil)
	}
	return next.Authenticate(ctx, token)
}

// tokenAlg returns the alg of a JWT's header without verifying anything, or "". The name
// matches exactly, as the parser that then verifies the token reads it.
func tokenAlg(token string) string {
	var alg string
	if !segmentMember(token, 0, "alg", &alg) {
		return ""
	}
	return alg
}
