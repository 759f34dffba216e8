package jwks_test

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/jwks"
)

// Providers publish keys an RS256 verifier must not use beside the ones it must: each case
// serves a good key "good" and a key "k" edited by the case; the unusable ones are skipped.
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
		{"EC key", func(k map[string]any) { clear(k); maps.Copy(k, ecKey()); k["kid"] = "k" }, false},
		{"encryption key", func(k map[string]any) { k["use"] = "enc" }, false},
		{"RS512 key", func(k map[string]any) { k["alg"] = "RS512" }, false},
		{"1024-bit modulus", func(k map[string]any) { k["n"] = b64(testKey().N.Bytes()[:128]) }, false},
		{"even exponent", func(k map[string]any) { k["e"] = b64([]byte{0x01, 0x00, 0x00}) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k := jwk("k", testKey())
			tc.edit(k)
			p := newProvider(t)
			p.setBody(keySet(t, jwk("good", testKey()), k))
			s := newKeySet(t, p, jwks.Config{})
			if _, err := keyOf(t.Context(), s, "good"); err != nil {
				t.Fatalf("the good key beside it: %v", err)
			}
			key, err := keyOf(t.Context(), s, "k")
			if tc.ok && (err != nil || !key.Equal(testKey())) {
				t.Fatalf("key k = %v, %v; want the key", key, err)
			}
			if !tc.ok && err == nil {
				t.Fatal("key k was found, want it skipped")
			}
		})
	}
}

// A key jwkset cannot read makes it refuse the whole document (docs/adr/0013: what we lose):
// the first fetch fails the start, naming the key's fault.
func TestKeySetRefusesADocumentWithAMalformedKey(t *testing.T) {
	t.Parallel()
	b64 := base64.RawURLEncoding.EncodeToString
	cases := map[string]func(k map[string]any){
		"modulus not base64url":  func(k map[string]any) { k["n"] = "not base64!" },
		"exponent 1":             func(k map[string]any) { k["e"] = b64([]byte{0x01}) },
		"exponent of 5 bytes":    func(k map[string]any) { k["e"] = b64([]byte{1, 0, 0, 0, 1}) },
		"empty exponent":         func(k map[string]any) { k["e"] = "" },
		"EC without coordinates": func(k map[string]any) { k["kty"] = "EC" },
	}
	for name, edit := range cases {
		k := jwk("k", testKey())
		edit(k)
		p := newProvider(t)
		p.setBody(keySet(t, jwk("good", testKey()), k))
		_, err := jwks.New(t.Context(), jwks.Config{URL: p.URL, Transport: p.Client().Transport, Logger: discard()})
		if err == nil || !strings.Contains(err.Error(), "JWK") {
			t.Errorf("%s: New error = %v, want one about the key", name, err)
		}
	}
}

func TestKeySetNeedsAUsableKey(t *testing.T) {
	t.Parallel()
	noKid := jwk("", testKey())
	for name, tc := range map[string]struct {
		body []byte
		want string
	}{
		"only a key without kid": {keySet(t, noKid), "no usable RS256 key"},
		"no keys":                {[]byte(`{"keys":[]}`), "no usable RS256 key"},
		"keys not a list":        {[]byte(`{"keys":"k1"}`), "decode JWK Set response"},
		"empty document":         {[]byte(``), "decode JWK Set response"},
	} {
		p := newProvider(t)
		p.setBody(tc.body)
		_, err := jwks.New(t.Context(), jwks.Config{URL: p.URL, Transport: p.Client().Transport, Logger: discard()})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New error = %v, want one that says %q", name, err, tc.want)
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
