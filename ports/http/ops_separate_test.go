package httpport_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// With SeparateOps (METRICS_ADDR set), the API answers /readyz and /metrics 404 and keeps
// /healthz; the operations handler built without it serves all three on the other address.
func TestSeparateOpsLeavesReadyzAndMetricsOffTheAPI(t *testing.T) {
	t.Parallel()
	api := newFixture(t, fixtureOptions{cfg: httpport.Config{SeparateOps: true}})
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		for _, path := range []string{"/readyz", "/metrics"} {
			if rec := api.do(request{method: method, path: path}); rec.Code != http.StatusNotFound {
				t.Errorf("%s %s = %d on the API, want 404", method, path, rec.Code)
			}
		}
	}
	decodeProblem(t, api.do(request{method: http.MethodGet, path: "/metrics"}), http.StatusNotFound)
	if rec := api.do(request{method: http.MethodGet, path: "/healthz"}); rec.Code != http.StatusOK {
		t.Errorf("/healthz = %d on the API, want 200", rec.Code)
	}

	reg := prometheus.NewRegistry()
	deps := httpport.Deps{Logger: slog.New(slog.DiscardHandler), Gatherer: reg}
	ops, err := httpport.NewOpsHandler(httpport.Config{}, deps)
	if err != nil {
		t.Fatal(err)
	}
	probeOnly, err := httpport.NewOpsHandler(httpport.Config{SeparateOps: true}, deps)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		h    http.Handler
		path string
		want int
	}{
		{ops, "/healthz", http.StatusOK}, {ops, "/readyz", http.StatusOK}, {ops, "/metrics", http.StatusOK},
		// A worker's HTTP_ADDR with METRICS_ADDR set: the liveness probe alone.
		{probeOnly, "/healthz", http.StatusOK}, {probeOnly, "/readyz", http.StatusNotFound}, {probeOnly, "/metrics", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		tc.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s = %d, want %d", tc.path, rec.Code, tc.want)
		}
	}
}
