package jwks_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/jwks"
)

// A key set fetched in clear over a network can be swapped on the way: only https, or plain
// http to this machine. The refused URLs are refused before any request.
func TestKeySetURLMustBeHTTPSOutsideLoopback(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"http://id.example/jwks.json",
		"http://localhost.id.example/jwks.json",
		"http://10.0.0.1/jwks.json",
		"http://[::2]/jwks.json",
		"ftp://id.example/jwks.json",
		"//id.example/jwks.json",
	} {
		err := jwks.Config{URL: u, Transport: http.DefaultTransport, RefreshEvery: 1, MinRefreshGap: 1, Logger: discard()}.Validate()
		if err == nil || !strings.Contains(err.Error(), "https") {
			t.Errorf("%s: Validate = %v, want a refusal asking for https", u, err)
		}
	}
	for _, u := range []string{"https://id.example/jwks.json", "http://127.0.0.1:8081/jwks.json", "http://127.1.2.3/jwks.json",
		"http://[::1]:8081/jwks.json", "http://localhost:8081/jwks.json", "http://LOCALHOST/jwks.json"} {
		if err := (jwks.Config{URL: u, Transport: http.DefaultTransport, RefreshEvery: 1, MinRefreshGap: 1, Logger: discard()}).Validate(); err != nil {
			t.Errorf("%s: Validate = %v, want it accepted", u, err)
		}
	}
}

// Plain http to a loopback provider works end to end (a provider on the same machine, tests).
func TestKeySetOverPlainHTTPOnLoopback(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "k1")
	plain := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(plain.Close)
	s, err := jwks.New(t.Context(), jwks.Config{URL: plain.URL, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	if key, err := keyOf(t.Context(), s, "k1"); err != nil || !key.Equal(testKey()) {
		t.Fatalf("key k1 = %v, %v; want the provider's key", key, err)
	}
}

// A redirect is not followed, even to the real key set on the same server: it could lead off
// https or to a host the operator did not name.
func TestKeySetDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "k1")
	_, err := jwks.New(t.Context(), jwks.Config{URL: p.URL + movedPath, Transport: p.Client().Transport, Logger: discard()})
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("New error = %v, want one saying the redirect is not followed", err)
	}
	if n := p.fetches.Load(); n != 0 {
		t.Fatalf("the redirect's target was fetched %d times, want 0", n)
	}
}
