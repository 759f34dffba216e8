package di

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/platform/live"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// Service is an assembled process: what it serves on HTTP_ADDR and the parts it runs.
type Service struct {
	// Handler is the whole API with the operations endpoints (`api`, `all`), or the operations
	// endpoints alone (/healthz, /readyz, /metrics: `worker`, `relay`).
	Handler http.Handler
	// Workers are the process's long-running parts.
	Workers []Worker
	// Ops is what METRICS_ADDR serves (/healthz, /readyz, /metrics), which Handler then leaves
	// out but for /healthz; nil without METRICS_ADDR.
	Ops http.Handler
	// Hub holds the open WebSocket connections, which Shutdown closes (1001 Going Away); nil in
	// a process that serves no API.
	Hub *live.Hub
	// Drain is started on shutdown: every handler of the process then answers /readyz with 503
	// and closes each connection after its answer.
	Drain *httpport.Drain
}

// New assembles the process that part names (all, api, worker or relay) with its injector: all
// without DATABASE_URL is the embedded default, in memory. The cleanup closes what it opened.
func New(ctx context.Context, part string, cfg config.Config, logger *slog.Logger) (*Service, func(), error) {
	assemble, err := injectorOf(part, cfg)
	if err != nil {
		return nil, nil, err
	}
	return withTracing(ctx, part, cfg, logger, assemble)
}

// injectorOf is the injector of part.
func injectorOf(part string, cfg config.Config) (func(context.Context, config.Config, *slog.Logger) (*Service, func(), error), error) {
	switch part {
	case "all":
		if cfg.DatabaseURL == "" {
			return NewEmbedded, nil
		}
		return NewAll, nil
	case "api":
		return NewAPI, nil
	case "worker":
		return NewWorker, nil
	case "relay":
		return NewRelay, nil
	default:
		return nil, fmt.Errorf("unknown part %q", part)
	}
}

func newAPIService(h apiHandler, m metricsHandler, api apiParts, hub *live.Hub, d *httpport.Drain) *Service {
	return &Service{Handler: h, Ops: m.Handler, Workers: api, Hub: hub, Drain: d}
}

func newWorkerService(h opsHandler, m metricsHandler, w workerParts, d *httpport.Drain) *Service {
	return &Service{Handler: h, Ops: m.Handler, Workers: w, Drain: d}
}

func newRelayService(h opsHandler, m metricsHandler, r relayParts, d *httpport.Drain) *Service {
	return &Service{Handler: h, Ops: m.Handler, Workers: r, Drain: d}
}

func newAllService(h apiHandler, m metricsHandler, api apiParts, w workerParts, r relayParts, hub *live.Hub, d *httpport.Drain) *Service {
	return &Service{Handler: h, Ops: m.Handler, Workers: slices.Concat([]Worker(w), []Worker(api), []Worker(r)), Hub: hub, Drain: d}
}

// noRelay is the embedded default's relay: none, since the memory stores publish themselves.
func noRelay() relayParts { return nil }
