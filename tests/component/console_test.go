package component_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// The binary serves the console at / with PostgreSQL alone and with PostgreSQL and Kafka, but
// the one-click sign-in, which issues a token for any user name, exists only in the embedded
// default: here it is an unknown path, whatever the method.
func TestConsoleWithoutOneClickSignInOutsideTheEmbeddedDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	t.Run("PostgreSQL alone", func(t *testing.T) {
		t.Parallel()
		addr := proc.FreeAddr(t)
		p := start(t, map[string]string{"DATABASE_URL": pgtest.URL(t), "BROKER": "postgres", "AUTH_JWT_SECRET": secret, "HTTP_ADDR": addr}, "all")
		p.WaitReady(t, "http://"+addr)
		checkConsole(t, "http://"+addr)
	})
	t.Run("PostgreSQL and Kafka", func(t *testing.T) {
		t.Parallel()
		p, base := newStack(t).start(t, "api")
		p.WaitReady(t, base)
		checkConsole(t, base)
	})
}

func checkConsole(t *testing.T, base string) {
	t.Helper()
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("GET / = %d, CSP %q; want the console under its CSP", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, err := http.NewRequest(method, base+"/console/sign-in", strings.NewReader(`{"user":"mallory"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s /console/sign-in = %d, want 404 outside the embedded default", method, resp.StatusCode)
		}
	}
}
