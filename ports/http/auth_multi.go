package httpport

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

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

// tokenAlg returns the alg of a JWT's header without verifying anything, or "".
func tokenAlg(token string) string {
	header, _, ok := strings.Cut(token, ".")
	if !ok {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return ""
	}
	return h.Alg
}
