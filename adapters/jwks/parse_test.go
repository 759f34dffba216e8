package jwks_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/jwks"
)

// Providers publish keys an RS256 verifier must not use beside the ones it must: each case
// serves a good key "good" and a key "k" edited by the case.
func TestKeySetTakesOnlyUsableRS256Keys(t *testing.T) {
	t.Parallel()
	b64 := base64.RawURLEncoding.EncodeToString
	cases := []struct {
		name string
		edit func(k map[string]any)
		ok   bool
	}{
		{"RS256 signing key", func(map[string]any) {}, true},
		{"no use nor alg", func(k map[string]any) { delete(k, "use"); delete(k, "alg") }, true},
		{"padded base64", func(k map[string]any) {
			k["n"] = base64.URLEncoding.EncodeToString(testKey().N.Bytes())
			k["e"] = "AQAB="
		}, true},
		{"EC key", func(k map[string]any) { k["kty"] = "EC" }, false},
		{"encryption key", func(k map[string]any) { k["use"] = "enc" }, false},
		{"RS512 key", func(k map[string]any) { k["alg"] = "RS512" }, false},
		{"1024-bit modulus", func(k map[string]any) { k["n"] = b64(testKey().N.Bytes()[:128]) }, false},
		{"modulus not base64url", func(k map[string]any) { k["n"] = "not base64!" }, false},
		{"even exponent", func(k map[string]any) { k["e"] = b64([]byte{0x01, 0x00, 0x00}) }, false},
		{"exponent 1", func(k map[string]any) { k["e"] = b64([]byte{0x01}) }, false},
		{"exponent of 5 bytes", func(k map[string]any) { k["e"] = b64([]byte{1, 0, 0, 0, 1}) }, false},
		{"empty exponent", func(k map[string]any) { k["e"] = "" }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k := jwk("k", testKey())
			tc.edit(k)
			p := newProvider(t)
			p.setBody(keySet(t, jwk("good", testKey()), k))
			s := newKeySet(t, p, jwks.Config{})
			if _, err := s.PublicKey(t.Context(), "good"); err != nil {
				t.Fatalf("the good key beside it: %v", err)
			}
			key, err := s.PublicKey(t.Context(), "k")
			if tc.ok && (err != nil || !key.Equal(testKey())) {
				t.Fatalf("PublicKey(k) = %v, %v; want the key", key, err)
			}
			if !tc.ok && !errors.Is(err, jwks.ErrUnknownKeyID) {
				t.Fatalf("PublicKey(k) error = %v, want ErrUnknownKeyID", err)
			}
		})
	}
}

func TestKeySetNeedsAUsableKey(t *testing.T) {
	t.Parallel()
	noKid := jwk("", testKey())
	for name, body := range map[string][]byte{
		"only a key without kid": keySet(t, noKid),
		"no keys":                []byte(`{"keys":[]}`),
		"keys not a list":        []byte(`{"keys":"k1"}`),
		"empty document":         []byte(``),
	} {
		p := newProvider(t)
		p.setBody(body)
		_, err := jwks.New(t.Context(), jwks.Config{URL: p.URL, Client: p.Client(), Logger: discard()})
		if err == nil || !strings.Contains(err.Error(), "parse the key set") {
			t.Errorf("%s: New error = %v, want a parse error", name, err)
		}
	}
}

func keySet(t *testing.T, keys ...map[string]any) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return body
}
