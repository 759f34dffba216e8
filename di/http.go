package di

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/jwks"
	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/platform/live"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// apiHandler is the whole API with the operations endpoints, served by `api`, `all` and the
// embedded default.
type apiHandler struct{ http.Handler }

// opsHandler is /healthz, /readyz and /metrics alone, served by `worker` and `relay` (/healthz
// alone with METRICS_ADDR set).
type opsHandler struct{ http.Handler }

// readiness are the checks /readyz runs.
type readiness []httpport.ReadinessCheck

// provideReadiness checks the broker and the database.
func provideReadiness(b broker.Broker, db *sql.DB) readiness {
	return readiness{{Name: b.Name(), Check: b.Check}, {Name: "postgres", Check: db.PingContext}}
}

// provideEmbeddedReadiness checks the broker: the embedded default has no database.
func provideEmbeddedReadiness(b broker.Broker) readiness {
	return readiness{{Name: b.Name(), Check: b.Check}}
}

// provideAuthenticator accepts HS256 tokens signed with AUTH_JWT_SECRET and RS256 tokens from the
// key set at AUTH_JWKS_URL, whichever are configured. Only the processes that serve the API build
// it, so `worker` and `relay` start whether or not the identity provider answers. The key set
// refreshes until ctx is done and logs its failed fetches to logger.
func provideAuthenticator(ctx context.Context, cfg config.Config, logger *slog.Logger) (httpport.Authenticator, error) {
	var opts []httpport.AuthOption
	if cfg.Auth.Issuer != "" {
		opts = append(opts, httpport.WithIssuer(cfg.Auth.Issuer))
	}
	if cfg.Auth.Audience != "" {
		opts = append(opts, httpport.WithAudience(cfg.Auth.Audience))
	}
	var multi httpport.MultiAuthenticator
	if cfg.Auth.JWTSecret != "" {
		hs, err := httpport.NewHS256Authenticator([]byte(cfg.Auth.JWTSecret), opts...)
		if err != nil {
			return nil, err
		}
		multi.HS256 = hs
	}
	if cfg.Auth.JWKSURL != "" {
		keys, err := jwks.New(ctx, jwks.Config{URL: cfg.Auth.JWKSURL, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("AUTH_JWKS_URL: %w", err)
		}
		rs, err := httpport.NewRS256Authenticator(keys, opts...)
		if err != nil {
			return nil, err
		}
		multi.RS256 = rs
	}
	// With neither, multi refuses every token; `taskstream api` and `all` refuse to start
	// without one (config.RequireAuth).
	return multi, nil
}

// provideHub is the process's fan-out of live updates to its WebSocket connections. The cleanup
// ends every connection that is still open.
func provideHub() (*live.Hub, func(), error) {
	hub, err := live.NewHub(live.Config{})
	if err != nil {
		return nil, nil, err
	}
	return hub, hub.Close, nil
}

func provideAPIHandler(app application.Application, auth httpport.Authenticator, operator httpport.OperatorCases, checks readiness, hub *live.Hub,
	drain *httpport.Drain, reg *prometheus.Registry, logger *slog.Logger, cfg config.Config,
) (apiHandler, error) {
	events, err := asyncAPIDocument(cfg)
	if err != nil {
		return apiHandler{}, err
	}
	h, err := httpport.NewHandler(app, httpConfig(cfg), httpport.Deps{
		Logger: logger, Authenticator: auth, Readiness: checks, Registry: reg, Gatherer: reg, Hub: hub,
		AsyncAPI: events, Drain: drain, Operator: operator,
	})
	return apiHandler{h}, err
}

func provideOpsHandler(checks readiness, drain *httpport.Drain, reg *prometheus.Registry, logger *slog.Logger, cfg config.Config) (opsHandler, error) {
	h, err := httpport.NewOpsHandler(httpConfig(cfg), httpport.Deps{Logger: logger, Readiness: checks, Registry: reg, Gatherer: reg, Drain: drain})
	return opsHandler{h}, err
}
