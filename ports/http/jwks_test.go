package httpport_test

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// jwksServer serves a JSON Web Key Set whose kids can change, and counts its fetches.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	kids    []string
	fetches atomic.Int32
}

func newJWKSServer(t *testing.T, pub *rsa.PublicKey, kids ...string) *jwksServer {
	t.Helper()
	s := &jwksServer{kids: kids}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		keys := []map[string]string{{"kty": "EC", "kid": "ec", "crv": "P-256"}}
		for _, kid := range s.kids {
			keys = append(keys, map[string]string{
				"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
				"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKids(kids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kids = kids
}

func rs256Token(t *testing.T, kid, user string) string {
	t.Helper()
	return signed(t, jwt.SigningMethodRS256, testRSAKey(), claimsFor(user, time.Now().Add(time.Hour)),
		func(h map[string]any) {
			if kid != "" {
				h["kid"] = kid
			}
		})
}

func TestJWKSAuthenticator(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, &testRSAKey().PublicKey, "k1")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	auth, err := httpport.NewJWKSAuthenticator(ctx, srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		token string
		ok    bool
	}{
		{"valid", rs256Token(t, "k1", "bob"), true},
		{"unknown kid", rs256Token(t, "k9", "bob"), false},
		{"no kid", rs256Token(t, "", "bob"), false},
		{"HS256", signed(t, jwt.SigningMethodHS256, testSecret, claimsFor("bob", time.Now().Add(time.Hour)), nil), false},
		{"expired", signed(t, jwt.SigningMethodRS256, testRSAKey(), claimsFor("bob", time.Now().Add(-time.Hour)),
			func(h map[string]any) { h["kid"] = "k1" }), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
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

func TestJWKSUnknownKidRefetchesAtMostOncePerGap(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, &testRSAKey().PublicKey, "k1")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	auth, err := httpport.NewJWKSAuthenticator(ctx, srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	srv.setKids("k1", "k2")
	for range 5 {
		if _, err := auth.Authenticate(context.Background(), rs256Token(t, "k2", "bob")); err == nil {
			t.Fatal("a rotated kid was accepted before the minimum refresh gap passed")
		}
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("fetches = %d, want 1 (the first); unknown kids must not refetch within the gap", n)
	}

	eager, err := httpport.NewJWKSAuthenticator(ctx, srv.URL, srv.Client(), httpport.WithJWKSRefresh(time.Hour, 0))
	if err != nil {
		t.Fatal(err)
	}
	srv.setKids("k3")
	if user, err := eager.Authenticate(context.Background(), rs256Token(t, "k3", "bob")); err != nil || user != "bob" {
		t.Fatalf("after rotation: Authenticate = %q, %v; want bob", user, err)
	}
}

func TestJWKSAuthenticatorFailsWithoutKeys(t *testing.T) {
	t.Parallel()
	empty := newJWKSServer(t, &testRSAKey().PublicKey)
	if _, err := httpport.NewJWKSAuthenticator(context.Background(), empty.URL, empty.Client()); err == nil {
		t.Error("accepted a key set without RSA keys")
	}
	if _, err := httpport.NewJWKSAuthenticator(context.Background(), "not a url", nil); err == nil {
		t.Error("accepted a bad URL")
	}
}

// Settings that cannot work are refused at construction, not by a panic in the refresh loop.
func TestAuthenticatorsRefuseUnworkableOptions(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, &testRSAKey().PublicKey, "k1")
	for name, opt := range map[string]httpport.AuthOption{
		"zero refresh":     httpport.WithJWKSRefresh(0, time.Minute),
		"negative refresh": httpport.WithJWKSRefresh(-time.Second, time.Minute),
		"negative gap":     httpport.WithJWKSRefresh(time.Hour, -time.Second),
		"negative leeway":  httpport.WithLeeway(-time.Second),
	} {
		if _, err := httpport.NewJWKSAuthenticator(t.Context(), srv.URL, srv.Client(), opt); err == nil {
			t.Errorf("JWKS: %s accepted", name)
		}
	}
	if _, err := httpport.NewHS256Authenticator([]byte(strings.Repeat("s", 32)), httpport.WithLeeway(-time.Second)); err == nil {
		t.Error("HS256: a negative leeway accepted")
	}
}

func TestMultiAuthenticatorThroughTheAPI(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, &testRSAKey().PublicKey, "k1")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	rs, err := httpport.NewJWKSAuthenticator(ctx, srv.URL, srv.Client())
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
