package httpport_test

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// testKeys stands in for the identity provider's key set with keyfunc itself, as adapters/jwks
// uses it, over a fixed set: the tests' RSA key as k1, and as k2 a key that signed nothing.
func testKeys(t *testing.T) httpport.SigningKeys {
	t.Helper()
	other := &rsa.PublicKey{N: new(big.Int).Add(testRSAKey().N, big.NewInt(2)), E: testRSAKey().E}
	set, err := json.Marshal(map[string]any{"keys": []map[string]string{
		rsaJWK("k1", &testRSAKey().PublicKey), rsaJWK("k2", other),
	}})
	if err != nil {
		t.Fatal(err)
	}
	kf, err := keyfunc.NewJWKSetJSON(set)
	if err != nil {
		t.Fatal(err)
	}
	return kf
}

func rsaJWK(kid string, pub *rsa.PublicKey) map[string]string {
	return map[string]string{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// nilKeys is a broken key set that answers neither a key nor an error.
type nilKeys struct{}

func (nilKeys) KeyfuncCtx(context.Context) jwt.Keyfunc {
	return func(*jwt.Token) (any, error) { return nil, nil }
}

// rs256Signed signs claims with the tests' RSA key, naming kid in the header when it is set.
func rs256Signed(t *testing.T, kid string, claims jwt.MapClaims) string {
	t.Helper()
	return signed(t, jwt.SigningMethodRS256, testRSAKey(), claims, func(h map[string]any) {
		if kid != "" {
			h["kid"] = kid
		}
	})
}

func rs256Token(t *testing.T, kid, user string) string {
	t.Helper()
	return rs256Signed(t, kid, claimsFor(user, time.Now().Add(time.Hour)))
}

func TestRS256Authenticator(t *testing.T) {
	t.Parallel()
	auth, err := httpport.NewRS256Authenticator(testKeys(t), httpport.WithIssuer("idp"), httpport.WithAudience("api"))
	if err != nil {
		t.Fatal(err)
	}
	base := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "bob", "iss": "idp", "aud": "api", "exp": time.Now().Add(time.Minute).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims { c := base(); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := base(); delete(c, k); return c }
	cases := []struct {
		name  string
		token string
		ok    bool
	}{
		{"valid", rs256Signed(t, "k1", base()), true},
		{"expired within leeway", rs256Signed(t, "k1", with("exp", time.Now().Add(-2*time.Second).Unix())), true},
		{"unknown kid", rs256Signed(t, "k9", base()), false},
		{"no kid", rs256Signed(t, "", base()), false},
		{"kid of another key", rs256Signed(t, "k2", base()), false},
		{"HS256", signed(t, jwt.SigningMethodHS256, testSecret, base(), func(h map[string]any) { h["kid"] = "k1" }), false},
		{"alg none", signed(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, base(), func(h map[string]any) { h["kid"] = "k1" }), false},
		{"RS512", signed(t, jwt.SigningMethodRS512, testRSAKey(), base(), func(h map[string]any) { h["kid"] = "k1" }), false},
		{"expired", rs256Signed(t, "k1", with("exp", time.Now().Add(-time.Hour).Unix())), false},
		{"no exp", rs256Signed(t, "k1", without("exp")), false},
		{"wrong issuer", rs256Signed(t, "k1", with("iss", "someone")), false},
		{"no issuer", rs256Signed(t, "k1", without("iss")), false},
		{"wrong audience", rs256Signed(t, "k1", with("aud", "other")), false},
		{"no subject", rs256Signed(t, "k1", without("sub")), false},
		{"bad subject", rs256Signed(t, "k1", with("sub", "has space")), false},
	}
	// Not parallel: the tokens' exp is relative to when they were made, and parallel subtests
	// can wait behind the package's other tests for longer than the leeway.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			user, err := auth.Authenticate(context.Background(), tc.token)
			if tc.ok && (err != nil || user != "bob") {
				t.Fatalf("Authenticate = %q, %v; want bob", user, err)
			}
			if !tc.ok && shared.KindOf(err) != shared.KindUnauthenticated {
				t.Fatalf("Authenticate error = %v, want an unauthenticated error", err)
			}
		})
	}
}

// A key set that answers neither a key nor an error must not crash the signature check.
func TestRS256RefusesANilKey(t *testing.T) {
	t.Parallel()
	auth, err := httpport.NewRS256Authenticator(nilKeys{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Authenticate(context.Background(), rs256Token(t, "k1", "bob")); shared.KindOf(err) != shared.KindUnauthenticated {
		t.Fatalf("Authenticate error = %v, want an unauthenticated error", err)
	}
}

// Settings that cannot work are refused at construction.
func TestAuthenticatorsRefuseUnworkableOptions(t *testing.T) {
	t.Parallel()
	if _, err := httpport.NewRS256Authenticator(nil); err == nil {
		t.Error("RS256: nil PublicKeys accepted")
	}
	if _, err := httpport.NewRS256Authenticator(testKeys(t), httpport.WithLeeway(-time.Second)); err == nil {
		t.Error("RS256: a negative leeway accepted")
	}
	if _, err := httpport.NewHS256Authenticator([]byte(strings.Repeat("s", 32)), httpport.WithLeeway(-time.Second)); err == nil {
		t.Error("HS256: a negative leeway accepted")
	}
}

func TestMultiAuthenticatorThroughTheAPI(t *testing.T) {
	t.Parallel()
	rs, err := httpport.NewRS256Authenticator(testKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	hs, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, fixtureOptions{auth: httpport.MultiAuthenticator{HS256: hs, RS256: rs}})
	cases := []struct {
		name   string
		token  string
		status int
	}{
		{"HS256", token(t, "alice"), http.StatusOK},
		{"RS256", rs256Token(t, "k1", "bob"), http.StatusOK},
		{"RS256 with HS secret", signed(t, jwt.SigningMethodHS256, testSecret, claimsFor("alice", time.Now().Add(time.Hour)),
			func(h map[string]any) { h["alg"] = "RS256" }), http.StatusUnauthorized},
		{"HS512", signed(t, jwt.SigningMethodHS512, testSecret, claimsFor("alice", time.Now().Add(time.Hour)), nil), http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: http.MethodGet, path: "/v1/todos", headers: map[string]string{"Authorization": "Bearer " + tc.token}})
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
		})
	}
}
