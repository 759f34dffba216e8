package httpport_test

import (
	"net/http"
	"strings"
	"testing"
)

// The API handler serves the documentation pages and their assets to anyone, without a token,
// under the pages' CSP; the AsyncAPI route needs the document (Deps.AsyncAPI), which this
// fixture does not give.
func TestHandlerServesTheDocsWithoutAToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	for _, path := range []string{"/docs", "/docs/events", "/docs/assets/docs-init.js", "/docs/assets/swagger-ui/swagger-ui-bundle.js"} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			rec := f.do(request{method: method, path: path})
			if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "script-src 'self';") {
				t.Errorf("%s %s: %d, CSP %q", method, path, rec.Code, rec.Header().Get("Content-Security-Policy"))
			}
		}
	}
	if rec := f.do(request{method: http.MethodGet, path: "/asyncapi.json"}); rec.Code != http.StatusNotFound {
		t.Errorf("GET /asyncapi.json without a document: %d, want 404", rec.Code)
	}
}
