package httpport_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/taskstream/taskstream/domain/shared"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// slow is a rate no test waits for: a used-up bucket stays empty for the whole test.
const slow = 0.01

// countingAuth counts the tokens it is asked to check.
type countingAuth struct {
	httpport.Authenticator
	calls atomic.Int64
}

func (a *countingAuth) Authenticate(ctx context.Context, token string) (shared.UserID, error) {
	a.calls.Add(1)
	return a.Authenticator.Authenticate(ctx, token)
}

func newCountingAuth(t *testing.T) *countingAuth {
	t.Helper()
	hs, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return &countingAuth{Authenticator: hs}
}

// scrape returns /metrics as the handler serves it.
func (f *fixture) scrape() string {
	f.t.Helper()
	rec := f.do(request{method: http.MethodGet, path: "/metrics"})
	if rec.Code != http.StatusOK {
		f.t.Fatalf("/metrics = %d", rec.Code)
	}
	return rec.Body.String()
}

// sample returns the value of the sample line that starts with series in /metrics.
func (f *fixture) sample(series string) float64 {
	f.t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(f.scrape())
	if m == nil {
		f.t.Fatalf("/metrics has no %s", series)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

// checkTooManyRequests checks that rec is a 429 problem with a Retry-After of whole seconds
// from 1 to most.
func checkTooManyRequests(t *testing.T, rec *httptest.ResponseRecorder, most int) {
	t.Helper()
	p := decodeProblem(t, rec, http.StatusTooManyRequests)
	if p.Type != httpport.ProblemTypeBase+"too-many-requests" || p.Detail == "" {
		t.Errorf("problem = %+v, want type too-many-requests with a detail", p)
	}
	s, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || s < 1 || s > most {
		t.Errorf("Retry-After = %q, want whole seconds from 1 to %d", rec.Header().Get("Retry-After"), most)
	}
}

func TestRateLimitRefusesAUserPastTheLimitWith429(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{RateLimit: httpport.RateLimitConfig{
		PerUser: httpport.RateLimit{RPS: slow, Burst: 3},
	}}})
	for i := range 3 {
		if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", user: "alice"}); rec.Code != http.StatusOK {
			t.Fatalf("request %d within the burst = %d: %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := f.do(request{method: http.MethodGet, path: "/v1/todos", user: "alice"})
	checkTooManyRequests(t, rec, 100) // a token every 100 s
	if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", user: "bob"}); rec.Code != http.StatusOK {
		t.Errorf("another user = %d, want 200: the limit is per user", rec.Code)
	}
	if got := f.sample(`taskstream_rate_limited_total{scope="user"}`); got != 1 {
		t.Errorf(`taskstream_rate_limited_total{scope="user"} = %v, want 1`, got)
	}
	if got := f.sample(`http_requests_total{method="GET",route="/v1/todos",status="429"}`); got != 1 {
		t.Errorf("429s counted by http_requests_total = %v, want 1", got)
	}
}

func TestRateLimitRefusesAnAddressBeforeCheckingItsTokens(t *testing.T) {
	t.Parallel()
	auth := newCountingAuth(t)
	f := newFixture(t, fixtureOptions{auth: auth, cfg: httpport.Config{RateLimit: httpport.RateLimitConfig{
		PerClient: httpport.RateLimit{RPS: slow, Burst: 2},
	}}})
	const attacker, other = "192.0.2.7:4000", "198.51.100.9:4000"
	bad := map[string]string{"Authorization": "Bearer not-a-token"}
	if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", remote: attacker}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("without a token = %d, want 401", rec.Code)
	}
	if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", remote: attacker, headers: bad}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("a bad token = %d, want 401", rec.Code)
	}
	checked := auth.calls.Load()
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/v1/todos", remote: attacker, headers: bad}), 100)
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/v1/todos", remote: "192.0.2.7:4001", user: "alice"}), 100)
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/openapi.json", remote: attacker}), 100)
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/nowhere", remote: attacker}), 100)
	if n := auth.calls.Load() - checked; n != 0 {
		t.Errorf("%d tokens checked for a refused address, want none", n)
	}
	// X-Forwarded-For is the client's to write: it neither frees the address nor blames another.
	for _, xff := range []string{"203.0.113.1", "198.51.100.9"} {
		checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/v1/todos", remote: attacker,
			headers: map[string]string{"X-Forwarded-For": xff, "X-Real-IP": xff}}), 100)
	}
	if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", remote: other}); rec.Code != http.StatusUnauthorized {
		t.Errorf("another address = %d, want 401: the limit is per address", rec.Code)
	}
	if got := f.sample(`taskstream_rate_limited_total{scope="client"}`); got != 6 {
		t.Errorf(`taskstream_rate_limited_total{scope="client"} = %v, want 6`, got)
	}
}

func TestRateLimitChargesAuthenticatedRequestsToTheUserNotTheAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{RateLimit: httpport.RateLimitConfig{
		PerClient: httpport.RateLimit{RPS: slow, Burst: 2},
	}}})
	const nat = "192.0.2.44:5000" // many users behind one address
	for i := range 30 {
		user := fmt.Sprintf("user-%d", i%6)
		if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", user: user, remote: nat}); rec.Code != http.StatusOK {
			t.Fatalf("request %d of %s = %d: %s", i+1, user, rec.Code, rec.Body)
		}
	}
	for range 2 {
		if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", remote: nat}); rec.Code != http.StatusUnauthorized {
			t.Fatalf("unauthenticated within the address's burst = %d, want 401", rec.Code)
		}
	}
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/v1/todos", remote: nat}), 100)
}

func TestRateLimitSparesProbesAndMetrics(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{RateLimit: httpport.RateLimitConfig{
		PerClient: httpport.RateLimit{RPS: slow, Burst: 1},
	}}})
	f.do(request{method: http.MethodGet, path: "/v1/todos"})
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/v1/todos"}), 100)
	for range 3 {
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			if rec := f.do(request{method: http.MethodGet, path: path}); rec.Code != http.StatusOK {
				t.Errorf("%s from a limited address = %d, want 200", path, rec.Code)
			}
		}
	}
}

// With METRICS_ADDR (SeparateOps) /readyz and /metrics are not served by the API: there they are
// unknown paths, limited like any other; /healthz stays free.
func TestRateLimitLimitsOpsPathsTheAPIDoesNotServe(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{SeparateOps: true, RateLimit: httpport.RateLimitConfig{
		PerClient: httpport.RateLimit{RPS: slow, Burst: 1},
	}}})
	if rec := f.do(request{method: http.MethodGet, path: "/metrics"}); rec.Code != http.StatusNotFound {
		t.Fatalf("/metrics with SeparateOps = %d, want 404", rec.Code)
	}
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/readyz"}), 100)
	if rec := f.do(request{method: http.MethodGet, path: "/healthz"}); rec.Code != http.StatusOK {
		t.Errorf("/healthz from a limited address = %d, want 200", rec.Code)
	}
}

func TestRateLimitOffLimitsNothing(t *testing.T) {
	t.Parallel()
	tiny := httpport.RateLimit{Off: true, RPS: slow, Burst: 1}
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{RateLimit: httpport.RateLimitConfig{PerUser: tiny, PerClient: tiny}}})
	for range 20 {
		if rec := f.do(request{method: http.MethodGet, path: "/v1/todos", user: "alice"}); rec.Code != http.StatusOK {
			t.Fatalf("with the user limit off = %d, want 200", rec.Code)
		}
		if rec := f.do(request{method: http.MethodGet, path: "/v1/todos"}); rec.Code != http.StatusUnauthorized {
			t.Fatalf("with the client limit off = %d, want 401", rec.Code)
		}
	}
}

func TestRateLimitTracksABoundedNumberOfAddressesAndUsers(t *testing.T) {
	t.Parallel()
	const bound = 20
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{RateLimit: httpport.RateLimitConfig{
		PerUser: httpport.RateLimit{RPS: slow, Burst: 1}, PerClient: httpport.RateLimit{RPS: slow, Burst: 1}, MaxKeys: bound,
	}}})
	// An attacker rotating addresses (a /64 each: IPv6 hosts are keyed by their /64) and users.
	for i := range 10 * bound {
		f.do(request{method: http.MethodGet, path: "/v1/todos", remote: fmt.Sprintf("[2001:db8:%x::1]:80", i)})
		f.do(request{method: http.MethodGet, path: "/v1/todos", user: fmt.Sprintf("rotating-%d", i)})
	}
	for _, scope := range []string{"client", "user"} {
		if got := f.sample(`taskstream_rate_limit_keys{scope="` + scope + `"}`); got != bound {
			t.Errorf("%s keys tracked = %v after %d distinct ones, want the bound %d", scope, got, 10*bound, bound)
		}
	}
	// Addresses of one /64 share a bucket.
	f.do(request{method: http.MethodGet, path: "/v1/todos", remote: "[2001:db8:ffff::1]:80"})
	checkTooManyRequests(t, f.do(request{method: http.MethodGet, path: "/v1/todos", remote: "[2001:db8:ffff::2]:80"}), 100)
}

func TestRateLimitConfigIsValidated(t *testing.T) {
	t.Parallel()
	for _, cfg := range []httpport.RateLimitConfig{
		{PerUser: httpport.RateLimit{RPS: -1}},
		{PerClient: httpport.RateLimit{RPS: 1, Burst: -1}},
		{MaxKeys: -1},
	} {
		err := (httpport.Config{RateLimit: cfg}).Validate()
		if err == nil || !strings.Contains(err.Error(), "RateLimit") {
			t.Errorf("Validate(%+v) = %v, want an error naming RateLimit", cfg, err)
		}
	}
}
