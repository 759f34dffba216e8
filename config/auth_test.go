package config_test

import (
	"strings"
	"testing"

	"github.com/taskstream/taskstream/config"
)

// With a shared identity provider's key set, audience and issuer are required: without them a
// token the provider issued for any other application would be accepted. The start is refused
// with a message naming each missing variable.
func TestAJWKSURLRequiresAudienceAndIssuer(t *testing.T) {
	t.Parallel()
	provider := map[string]string{
		"AUTH_JWKS_URL": "https://id.example/jwks.json", "AUTH_JWT_AUDIENCE": "taskstream", "AUTH_JWT_ISSUER": "https://id.example/",
	}
	if _, err := config.Load(env(provider)); err != nil {
		t.Fatalf("a key set with audience and issuer was refused: %v", err)
	}
	for _, missing := range []string{"AUTH_JWT_AUDIENCE", "AUTH_JWT_ISSUER"} {
		kv := map[string]string{}
		for k, v := range provider {
			if k != missing {
				kv[k] = v
			}
		}
		_, err := config.Load(env(kv))
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("without %s: Load error = %v, want one naming it", missing, err)
		}
	}
	// A secret alone keeps them optional: the tokens are this service's own.
	if _, err := config.Load(env(map[string]string{"AUTH_JWT_SECRET": strings.Repeat("s", 32)})); err != nil {
		t.Errorf("a secret without audience and issuer was refused: %v", err)
	}
}

// The key set travels over https; plain http only to this machine, where nothing is on the way.
func TestTheJWKSURLMustBeHTTPSOutsideLoopback(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"https://id.example/jwks.json":          true,
		"http://127.0.0.1:8081/jwks.json":       true,
		"http://127.9.9.9/jwks.json":            true,
		"http://[::1]:8081/jwks.json":           true,
		"http://localhost:8081/jwks.json":       true,
		"http://id.example/jwks.json":           false,
		"http://localhost.id.example/jwks.json": false,
		"http://192.168.1.10/jwks.json":         false,
		"ftp://id.example/jwks.json":            false,
		"id.example/jwks.json":                  false,
	}
	for u, ok := range cases {
		_, err := config.Load(env(map[string]string{
			"AUTH_JWKS_URL": u, "AUTH_JWT_AUDIENCE": "taskstream", "AUTH_JWT_ISSUER": "https://id.example/",
		}))
		if ok && err != nil {
			t.Errorf("%s: refused: %v", u, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "AUTH_JWKS_URL")) {
			t.Errorf("%s: Load error = %v, want one naming AUTH_JWKS_URL", u, err)
		}
	}
}
