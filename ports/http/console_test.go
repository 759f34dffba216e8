package httpport_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	httpport "github.com/taskstream/taskstream/ports/http"
	"github.com/taskstream/taskstream/ports/http/console"
)

// The console is served at / and its files under /console/, each under the CSP, with the
// content type a browser needs to run a module; a second load is a 304.
func TestConsoleIsServedAtTheRootUnderItsCSP(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	routes := console.Routes()
	if len(routes) < 5 {
		t.Fatalf("console routes = %v, want the page and its modules", routes)
	}
	for _, route := range routes {
		rec := f.do(request{method: http.MethodGet, path: route})
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", route, rec.Code)
		}
		if got := rec.Header().Get("Content-Security-Policy"); got != console.CSP {
			t.Errorf("GET %s: CSP %q, want %q", route, got, console.CSP)
		}
		if strings.HasSuffix(route, ".js") && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
			t.Errorf("GET %s: Content-Type %q, want text/javascript", route, rec.Header().Get("Content-Type"))
		}
		again := f.do(request{method: http.MethodGet, path: route, headers: map[string]string{"If-None-Match": rec.Header().Get("ETag")}})
		if again.Code != http.StatusNotModified {
			t.Errorf("GET %s with its ETag = %d, want 304", route, again.Code)
		}
	}
	csp := console.CSP
	for _, directive := range []string{"script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("the CSP lacks %s", directive)
		}
	}
	if strings.Contains(console.CSP, "unsafe-inline") || strings.Contains(console.CSP, "unsafe-eval") {
		t.Errorf("the CSP allows inline code: %s", console.CSP)
	}
}

// The CSP forbids inline scripts and styles; this keeps the files from needing them, so the
// console never breaks silently under its own policy. Nothing is loaded from another host.
func TestConsoleFilesHaveNoInlineCodeAndNoOtherHost(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	page := f.do(request{method: http.MethodGet, path: "/"}).Body.String()
	for _, tag := range regexp.MustCompile(`<script[^>]*>[^<]*</script>`).FindAllString(page, -1) {
		if !strings.Contains(tag, ` src="/console/`) || !strings.HasSuffix(tag, "></script>") {
			t.Errorf("the page has an inline script: %q", tag)
		}
	}
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`\sstyle=`), regexp.MustCompile(`<style`), regexp.MustCompile(`\son[a-z]+=`)} {
		if loc := bad.FindString(page); loc != "" {
			t.Errorf("the page has inline code: %q", loc)
		}
	}
	for _, route := range console.Routes() {
		body := f.do(request{method: http.MethodGet, path: route}).Body.String()
		if m := regexp.MustCompile(`(?:src|href)="(?:https?:)?//`).FindString(body); m != "" {
			t.Errorf("%s loads from another host: %q", route, m)
		}
	}
}

// Without a sign-in secret (every configuration but the embedded default) there is no
// one-click sign-in: both methods are unknown paths.
func TestConsoleSignInIsAbsentWithoutASecret(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		rec := f.do(request{method: method, path: "/console/sign-in", body: `{"user":"alice"}`})
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s /console/sign-in = %d without a secret, want 404", method, rec.Code)
		}
	}
}

// With the secret, the sign-in issues a token the API accepts for that user, and refuses a
// name that is no user id.
func TestConsoleSignInIssuesATokenForTheUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{Console: httpport.ConsoleConfig{SignInSecret: testSecret}}})
	if rec := f.do(request{method: http.MethodGet, path: "/console/sign-in"}); rec.Code != http.StatusNoContent {
		t.Fatalf("GET /console/sign-in = %d, want 204", rec.Code)
	}
	rec := f.do(request{method: http.MethodPost, path: "/console/sign-in", body: `{"user":"alice"}`})
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /console/sign-in = %d: %s", rec.Code, rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	got := decodeJSON[struct {
		Token, User string
	}](t, rec)
	auth, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	user, err := auth.Authenticate(context.Background(), got.Token)
	if err != nil || user != "alice" || got.User != "alice" {
		t.Fatalf("the token is for %q (%v), answer says %q; want alice", user, err, got.User)
	}
	list := f.do(request{method: http.MethodGet, path: "/v1/todos", headers: map[string]string{"Authorization": "Bearer " + got.Token}})
	if list.Code != http.StatusOK {
		t.Errorf("GET /v1/todos with the issued token = %d", list.Code)
	}
	for _, body := range []string{`{"user":"a b"}`, `{"user":""}`, `{}`, `{"user":"alice","admin":true}`} {
		rec := f.do(request{method: http.MethodPost, path: "/console/sign-in", body: body})
		if rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest {
			t.Errorf("POST /console/sign-in %s = %d, want 400 or 422", body, rec.Code)
		}
	}
}
