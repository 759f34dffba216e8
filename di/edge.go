package di

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/config"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// metricsHandler is what METRICS_ADDR serves, /healthz, /readyz and /metrics; nil Handler when
// METRICS_ADDR is not set (they are on HTTP_ADDR then).
type metricsHandler struct{ http.Handler }

// provideMetricsHandler builds the operations endpoints of METRICS_ADDR, on the same readiness
// checks, drain and registry as the handler of HTTP_ADDR.
func provideMetricsHandler(cfg config.Config, checks readiness, drain *httpport.Drain, reg *prometheus.Registry, logger *slog.Logger) (metricsHandler, error) {
	if cfg.HTTP.MetricsAddr == "" {
		return metricsHandler{}, nil
	}
	h, err := httpport.NewOpsHandler(httpport.Config{}, httpport.Deps{Logger: logger, Readiness: checks, Registry: reg, Gatherer: reg, Drain: drain})
	return metricsHandler{h}, err
}

// httpConfig is the HTTP port's configuration of HTTP_ADDR: with METRICS_ADDR set, /readyz and
// /metrics are left to the metrics handler; the rate limits and WebSocket caps of the API.
func httpConfig(cfg config.Config) httpport.Config {
	return httpport.Config{
		SeparateOps: cfg.HTTP.MetricsAddr != "",
		RateLimit:   rateLimitConfig(cfg.Limits), WebSocket: webSocketConfig(cfg.Limits),
		Console: httpport.ConsoleConfig{SignInSecret: []byte(cfg.Console.SignInSecret),
			Issuer: cfg.Auth.Issuer, Audience: cfg.Auth.Audience},
		OperatorSubjects: cfg.Auth.OperatorSubjects,
	}
}
