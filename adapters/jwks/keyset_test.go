package jwks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/jwks"
)

func newKeySet(t *testing.T, p *provider, cfg jwks.Config) *jwks.KeySet {
	t.Helper()
	cfg.URL, cfg.Transport = p.URL, p.Client().Transport
	if cfg.Logger == nil {
		cfg.Logger = discard()
	}
	s, err := jwks.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestKeySetFindsKeysByKid(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "k1", "k2")
	s := newKeySet(t, p, jwks.Config{})
	for _, kid := range []string{"k1", "k2"} {
		key, err := keyOf(t.Context(), s, kid)
		if err != nil || !key.Equal(testKey()) {
			t.Errorf("PublicKey(%s) = %v, %v; want the provider's key", kid, key, err)
		}
	}
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("fetches = %d, want 1", n)
	}
}

// The first fetch is the only fatal one: without a key the process could accept no token.
func TestNewFailsWithoutAGoodFirstFetch(t *testing.T) {
	t.Parallel()
	huge := `{"keys":[],"padding":"` + strings.Repeat("x", 1<<20) + `"}`
	cases := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"non-200", http.StatusInternalServerError, "", "status code: 500"},
		{"not found", http.StatusNotFound, "", "status code: 404"},
		{"over the size bound", http.StatusOK, huge, "larger than 1048576 bytes"},
		{"not JSON", http.StatusOK, "<html>", "decode JWK Set response"},
		{"no usable key", http.StatusOK, string(keySet(t, ecKey())), "no usable RS256 key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newProvider(t)
			p.setStatus(tc.status)
			p.setBody([]byte(tc.body))
			_, err := jwks.New(t.Context(), jwks.Config{URL: p.URL, Transport: p.Client().Transport, Logger: discard()})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New error = %v, want one that says %q", err, tc.want)
			}
		})
	}
}

// Settings that cannot work are refused at construction, all at once, not by a panic in the
// refresh loop.
func TestNewRefusesConfigsThatCannotWork(t *testing.T) {
	t.Parallel()
	ok := jwks.Config{URL: "https://id.example/jwks.json", Logger: discard()}
	cases := map[string]func(*jwks.Config){
		"no URL":           func(c *jwks.Config) { c.URL = "" },
		"not a URL":        func(c *jwks.Config) { c.URL = "not a url" },
		"not http":         func(c *jwks.Config) { c.URL = "ftp://id.example/jwks.json" },
		"negative refresh": func(c *jwks.Config) { c.RefreshEvery = -time.Second },
		"negative gap":     func(c *jwks.Config) { c.MinRefreshGap = -time.Second },
		"nil logger":       func(c *jwks.Config) { c.Logger = nil },
	}
	for name, edit := range cases {
		cfg := ok
		edit(&cfg)
		if _, err := jwks.New(t.Context(), cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	err := jwks.Config{RefreshEvery: -time.Second}.Validate()
	for _, want := range []string{"URL", "Transport", "RefreshEvery", "Logger"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate of an empty config = %v, want it to name %s", err, want)
		}
	}
}
