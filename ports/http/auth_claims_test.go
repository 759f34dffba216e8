package httpport_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/domain/shared"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// handSigned signs header and payload exactly as written, so that a test controls the order,
// the case and the repetition of names, which a map of claims cannot.
func handSigned(t *testing.T, method jwt.SigningMethod, key any, header, payload string) string {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	signing := b64([]byte(header)) + "." + b64([]byte(payload))
	sig, err := method.Sign(signing, key)
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + b64(sig)
}

// Registered claims are matched by their exact names: encoding/json's case-insensitive field
// matching let a later "SUB" name another user and a later "Exp" stretch an expired token. A
// token that names a claim twice is refused outright (RFC 7519 section 4 allows it), rather
// than read with the last one winning.
func TestClaimsAreMatchedExactly(t *testing.T) {
	t.Parallel()
	hour := time.Now().Add(time.Hour).Unix()
	past := time.Now().Add(-time.Hour).Unix()
	cases := []struct {
		name    string
		payload string
		user    string // "" when the token must be refused
	}{
		{"exact claims", fmt.Sprintf(`{"sub":"alice","iss":"idp","aud":"api","exp":%d}`, hour), "alice"},
		{"SUB after sub", fmt.Sprintf(`{"sub":"alice","SUB":"bob","iss":"idp","aud":"api","exp":%d}`, hour), "alice"},
		{"only SUB", fmt.Sprintf(`{"SUB":"bob","iss":"idp","aud":"api","exp":%d}`, hour), ""},
		{"Exp after an expired exp", fmt.Sprintf(`{"sub":"alice","iss":"idp","aud":"api","exp":%d,"Exp":%d}`, past, hour), ""},
		{"only Exp", fmt.Sprintf(`{"sub":"alice","iss":"idp","aud":"api","Exp":%d}`, hour), ""},
		{"ISS after a wrong iss", fmt.Sprintf(`{"sub":"alice","iss":"other","ISS":"idp","aud":"api","exp":%d}`, hour), ""},
		{"Aud after a wrong aud", fmt.Sprintf(`{"sub":"alice","iss":"idp","aud":"other","Aud":"api","exp":%d}`, hour), ""},
		{"sub twice", fmt.Sprintf(`{"sub":"alice","sub":"bob","iss":"idp","aud":"api","exp":%d}`, hour), ""},
		{"sub twice, once escaped", fmt.Sprintf(`{"sub":"alice","s\u0075b":"bob","iss":"idp","aud":"api","exp":%d}`, hour), ""},
		{"exp twice", fmt.Sprintf(`{"sub":"alice","iss":"idp","aud":"api","exp":%d,"exp":%d}`, past, hour), ""},
	}
	hs, err := httpport.NewHS256Authenticator(testSecret, httpport.WithIssuer("idp"), httpport.WithAudience("api"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := httpport.NewRS256Authenticator(testKeys(t), httpport.WithIssuer("idp"), httpport.WithAudience("api"))
	if err != nil {
		t.Fatal(err)
	}
	algs := []struct {
		name string
		auth httpport.Authenticator
		sign func(payload string) string
	}{
		{"HS256", hs, func(p string) string {
			return handSigned(t, jwt.SigningMethodHS256, testSecret, `{"alg":"HS256","typ":"JWT"}`, p)
		}},
		{"RS256", rs, func(p string) string {
			return handSigned(t, jwt.SigningMethodRS256, testRSAKey(), `{"alg":"RS256","typ":"JWT","kid":"k1"}`, p)
		}},
	}
	for _, alg := range algs {
		for _, tc := range cases {
			t.Run(alg.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				user, err := alg.auth.Authenticate(context.Background(), alg.sign(tc.payload))
				if tc.user != "" && (err != nil || string(user) != tc.user) {
					t.Fatalf("Authenticate = %q, %v; want %s", user, err, tc.user)
				}
				if tc.user == "" && shared.KindOf(err) != shared.KindUnauthenticated {
					t.Fatalf("Authenticate = %q, %v; want an unauthenticated error", user, err)
				}
			})
		}
	}
}

// Header parameters are matched exactly too: the alg that picks the authenticator is the "alg"
// the verifier reads, and a header naming a parameter twice is refused.
func TestHeaderParametersAreMatchedExactly(t *testing.T) {
	t.Parallel()
	hs, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	multi := httpport.MultiAuthenticator{HS256: hs}
	payload := fmt.Sprintf(`{"sub":"alice","exp":%d}`, time.Now().Add(time.Hour).Unix())
	cases := []struct {
		name   string
		header string
		ok     bool
	}{
		{"alg", `{"alg":"HS256"}`, true},
		{"ALG after alg", `{"alg":"HS256","ALG":"RS256"}`, true},
		{"alg twice", `{"alg":"RS256","alg":"HS256"}`, false},
	}
	for _, tc := range cases {
		_, err := multi.Authenticate(context.Background(), handSigned(t, jwt.SigningMethodHS256, testSecret, tc.header, payload))
		if tc.ok != (err == nil) {
			t.Errorf("%s: Authenticate error = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
