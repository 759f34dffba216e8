package httpport_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// TestMetricLabelsAreBoundedBeforeAuthentication sends what an anonymous client may invent,
// methods and paths, and counts the series the registry then holds: each label has a fixed set
// of values, so the count stays what a handful of requests make, however many are sent.
func TestMetricLabelsAreBoundedBeforeAuthentication(t *testing.T) {
	t.Parallel()
	// The address's rate limit is off: past its burst every request would be a 429, and the
	// labels of what reaches the routes would go untested.
	off := httpport.RateLimit{Off: true}
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{RateLimit: httpport.RateLimitConfig{PerClient: off}}})
	for i := range 50 {
		for _, path := range []string{"/v1/todos", fmt.Sprintf("/invented/%d", i), "/healthz"} {
			f.do(request{method: fmt.Sprintf("INVENTED%d", i), path: path})
		}
		f.do(request{method: http.MethodGet, path: fmt.Sprintf("/nowhere/%d", i)})
	}
	f.do(request{method: "get", path: "/healthz"}) // methods are case-sensitive: not GET
	// What the invented methods may make: method "other" on route "unmatched" with 404 or 405,
	// plus the GETs of unknown paths (404). Each request series has one histogram beside it.
	body := scrape(t, f)
	requests, durations := seriesOf(body, "http_requests_total{"), seriesOf(body, "http_request_duration_seconds_count{")
	if requests > 3 || durations > 2 {
		t.Errorf("%d request series and %d duration series after 201 invented requests, want at most 3 and 2", requests, durations)
	}
	for _, m := range methodLabel.FindAllStringSubmatch(body, -1) {
		method := m[1]
		if method != "other" && method != http.MethodGet {
			t.Errorf("method label %q", method)
		}
	}
}

// TestKnownMethodsKeepTheirLabel: the bound must not blur the methods the API serves.
func TestKnownMethodsKeepTheirLabel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	f.do(request{method: http.MethodHead, path: "/healthz"})
	f.do(request{method: http.MethodDelete, path: "/healthz"})
	seen := methodLabels(t, f)
	for _, method := range []string{http.MethodHead, http.MethodDelete} {
		if !seen[method] {
			t.Errorf("no series with method %s; methods %v", method, seen)
		}
	}
}

// seriesOf counts the series of a /metrics body whose line starts with prefix.
func seriesOf(body, prefix string) int {
	n := 0
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}

func scrape(t *testing.T, f *fixture) string {
	t.Helper()
	rec := f.do(request{method: http.MethodGet, path: "/metrics"})
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics = %d", rec.Code)
	}
	return rec.Body.String()
}

var methodLabel = regexp.MustCompile(`http_requests_total\{method="([^"]*)"`)

// methodLabels are the values of the method label of http_requests_total, as /metrics shows them.
func methodLabels(t *testing.T, f *fixture) map[string]bool {
	t.Helper()
	methods := map[string]bool{}
	for _, m := range methodLabel.FindAllStringSubmatch(scrape(t, f), -1) {
		methods[m[1]] = true
	}
	return methods
}
