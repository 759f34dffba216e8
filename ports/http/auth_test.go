package httpport_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// testRSAKey is generated once: 2048-bit generation is slow.
var testRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

// signed signs claims with method and key, after applying edit to the header.
func signed(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims, edit func(map[string]any)) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if edit != nil {
		edit(tok.Header)
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claimsFor(user string, exp time.Time) jwt.MapClaims {
	return jwt.MapClaims{"sub": user, "iat": time.Now().Unix(), "exp": exp.Unix()}
}

func TestAuthRefusesBadTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	hour := time.Now().Add(time.Hour)
	cases := []struct {
		name   string
		header string
	}{
		{"missing", ""},
		{"not bearer", "Basic dXNlcjpwYXNz"},
		{"empty bearer", "Bearer "},
		{"garbage", "Bearer not.a.jwt"},
		{"expired", "Bearer " + signed(t, jwt.SigningMethodHS256, testSecret, claimsFor("alice", time.Now().Add(-time.Hour)), nil)},
		{"no exp", "Bearer " + signed(t, jwt.SigningMethodHS256, testSecret, jwt.MapClaims{"sub": "alice"}, nil)},
		{"wrong secret", "Bearer " + signed(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 40)), claimsFor("alice", hour), nil)},
		{"alg none", "Bearer " + signed(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claimsFor("alice", hour), nil)},
		{"HS384", "Bearer " + signed(t, jwt.SigningMethodHS384, testSecret, claimsFor("alice", hour), nil)},
		{"RS256 with HS secret", "Bearer " + signed(t, jwt.SigningMethodHS256, testSecret, claimsFor("alice", hour),
			func(h map[string]any) { h["alg"] = "RS256" })},
		{"RS256 signed with RSA", "Bearer " + signed(t, jwt.SigningMethodRS256, testRSAKey(), claimsFor("alice", hour), nil)},
		{"no subject", "Bearer " + signed(t, jwt.SigningMethodHS256, testSecret, jwt.MapClaims{"exp": hour.Unix()}, nil)},
		{"bad subject", "Bearer " + signed(t, jwt.SigningMethodHS256, testSecret, claimsFor("has space", hour), nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: http.MethodGet, path: "/v1/todos", headers: map[string]string{"Authorization": tc.header}})
			p := decodeProblem(t, rec, http.StatusUnauthorized)
			if p.Type != "https://taskstream.dev/problems/unauthenticated" {
				t.Errorf("type = %q", p.Type)
			}
			if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

func TestAuthExpiredTokenSaysSo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	tok := signed(t, jwt.SigningMethodHS256, testSecret, claimsFor("alice", time.Now().Add(-time.Hour)), nil)
	rec := f.do(request{method: http.MethodGet, path: "/v1/todos", headers: map[string]string{"Authorization": "Bearer " + tok}})
	p := decodeProblem(t, rec, http.StatusUnauthorized)
	if !strings.Contains(p.Detail, "expired") {
		t.Errorf("detail = %q, want it to say the token expired", p.Detail)
	}
	if got := rec.Header().Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
		t.Errorf("WWW-Authenticate = %q", got)
	}
}

func TestHS256AcceptsLeewayAndChecksIssuerAudience(t *testing.T) {
	t.Parallel()
	auth, err := httpport.NewHS256Authenticator(testSecret, httpport.WithIssuer("taskstream"), httpport.WithAudience("api"))
	if err != nil {
		t.Fatal(err)
	}
	base := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "alice", "iss": "taskstream", "aud": "api", "exp": time.Now().Add(time.Minute).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims { c := base(); c[k] = v; return c }
	cases := []struct {
		name   string
		claims jwt.MapClaims
		ok     bool
	}{
		{"valid", base(), true},
		{"expired within leeway", with("exp", time.Now().Add(-2*time.Second).Unix()), true},
		{"expired beyond leeway", with("exp", time.Now().Add(-time.Minute).Unix()), false},
		{"wrong issuer", with("iss", "someone"), false},
		{"no issuer", func() jwt.MapClaims { c := base(); delete(c, "iss"); return c }(), false},
		{"wrong audience", with("aud", "other"), false},
	}
	// Not parallel: the claims' exp is relative to when they were made, and parallel subtests
	// can wait behind the package's other tests for longer than the leeway.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			user, err := auth.Authenticate(context.Background(), signed(t, jwt.SigningMethodHS256, testSecret, tc.claims, nil))
			if tc.ok && (err != nil || user != "alice") {
				t.Fatalf("Authenticate = %q, %v; want alice", user, err)
			}
			if !tc.ok && shared.KindOf(err) != shared.KindUnauthenticated {
				t.Fatalf("Authenticate error = %v, want an unauthenticated error", err)
			}
		})
	}
}

func TestHS256RefusesShortSecrets(t *testing.T) {
	t.Parallel()
	if _, err := httpport.NewHS256Authenticator([]byte("short")); err == nil {
		t.Error("NewHS256Authenticator accepted a 5-byte secret")
	}
	if _, err := httpport.IssueHS256Token([]byte("short"), "alice", time.Hour); err == nil {
		t.Error("IssueHS256Token accepted a 5-byte secret")
	}
}

func TestIssueHS256Token(t *testing.T) {
	t.Parallel()
	auth, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := httpport.IssueHS256Token(testSecret, "user-42", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if user, err := auth.Authenticate(context.Background(), tok); err != nil || user != "user-42" {
		t.Fatalf("Authenticate = %q, %v", user, err)
	}
	// With an issuer and an audience, the token names them, so an authenticator that requires
	// them (as it does with AUTH_JWKS_URL) accepts it.
	strict, err := httpport.NewHS256Authenticator(testSecret, httpport.WithIssuer("taskstream"), httpport.WithAudience("api"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := strict.Authenticate(context.Background(), tok); err == nil {
		t.Error("a token without iss and aud was accepted by an authenticator that requires them")
	}
	named, err := httpport.IssueHS256Token(testSecret, "user-42", time.Hour, httpport.WithIssuer("taskstream"), httpport.WithAudience("api"))
	if err != nil {
		t.Fatal(err)
	}
	if user, err := strict.Authenticate(context.Background(), named); err != nil || user != "user-42" {
		t.Errorf("a token naming the issuer and the audience: Authenticate = %q, %v", user, err)
	}
	for _, tc := range []struct {
		user string
		ttl  time.Duration
	}{{"", time.Hour}, {"with space", time.Hour}, {"alice", 0}} {
		if _, err := httpport.IssueHS256Token(testSecret, tc.user, tc.ttl); err == nil {
			t.Errorf("IssueHS256Token(%q, %v) succeeded", tc.user, tc.ttl)
		}
	}
}
