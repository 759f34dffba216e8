package di

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/taskstream/taskstream/platform/live"
)

// Service is the assembled process: the HTTP API and the workers. Which parts run is the
// subcommand's choice.
type Service struct {
	// HTTP is the whole API with the operations endpoints (`all`, `api`).
	HTTP http.Handler
	// Ops is /healthz, /readyz and /metrics alone (`worker`).
	Ops     http.Handler
	Workers []Worker
	// DB is the PostgreSQL pool, nil on the in-memory repositories.
	DB *sql.DB
	// Hub holds the open WebSocket connections; Shutdown closes them (1001 Going Away).
	Hub *live.Hub
}

// Worker is a long-running consumer. Run returns when ctx is cancelled, after the batch in hand.
type Worker struct {
	Name string
	// Part is the subcommand that runs it besides `all`: PartWorker, PartRelay or PartAPI.
	Part string
	Run  func(ctx context.Context) error
}

// The parts a worker belongs to.
const (
	// PartWorker is a consumer that applies events (`taskstream worker`).
	PartWorker = "worker"
	// PartRelay is the outbox relay (`taskstream relay`, the sidecar).
	PartRelay = "relay"
	// PartAPI runs beside the API in every API instance (live updates: each instance must see
	// every update for its own WebSocket clients).
	PartAPI = "api"
)
