package di_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/di"
)

// With AUTH_JWKS_URL the API accepts RS256 tokens signed with a key of the provider's set,
// fetched once at start; without it, it has no key set and refuses them.
func TestAPIAcceptsRS256TokensExactlyWithAJWKSURL(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var fetches atomic.Int32
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	t.Cleanup(provider.Close)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"sub": "bob", "iss": "https://id.example/", "aud": "taskstream", "exp": time.Now().Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = "k1"
	signed, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		status  int
		fetches int32
	}{
		{"with AUTH_JWKS_URL", withProvider(provider.URL), http.StatusOK, 1},
		{"without", map[string]string{"AUTH_JWT_SECRET": strings.Repeat("x", 32)}, http.StatusUnauthorized, 0},
	} {
		fetches.Store(0)
		svc := newServiceWith(t, tc.env)
		req := httptest.NewRequest(http.MethodGet, "/v1/todos", nil)
		req.Header.Set("Authorization", "Bearer "+signed)
		rec := httptest.NewRecorder()
		svc.Handler.ServeHTTP(rec, req)
		if rec.Code != tc.status || fetches.Load() != tc.fetches {
			t.Errorf("%s: GET /v1/todos with an RS256 token: %d after %d fetches of the key set, want %d after %d",
				tc.name, rec.Code, fetches.Load(), tc.status, tc.fetches)
		}
	}
}

// A key set that cannot be fetched at start stops the start, naming the setting.
func TestTheAPIDoesNotStartWhenTheKeySetCannotBeFetched(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	cfg := load(t, withProvider(down.URL))
	_, _, err := di.New(t.Context(), "all", cfg, quietLogger())
	if err == nil || !strings.Contains(err.Error(), "AUTH_JWKS_URL") || !strings.Contains(err.Error(), "503") {
		t.Fatalf("di.New error = %v, want one naming AUTH_JWKS_URL and the status", err)
	}
}

// withProvider is the configuration of an identity provider whose key set is at jwksURL, with
// the audience and issuer that AUTH_JWKS_URL requires, and env's other variables.
func withProvider(jwksURL string, env ...string) map[string]string {
	kv := map[string]string{"AUTH_JWKS_URL": jwksURL, "AUTH_JWT_AUDIENCE": "taskstream", "AUTH_JWT_ISSUER": "https://id.example/"}
	for i := 0; i+1 < len(env); i += 2 {
		kv[env[i]] = env[i+1]
	}
	return kv
}

// newServiceWith assembles the embedded service for env without running its workers.
func newServiceWith(t *testing.T, env map[string]string) *di.Service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	svc, cleanup, err := di.New(ctx, "all", load(t, env), quietLogger())
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cleanup()
	})
	return svc
}
