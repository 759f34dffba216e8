package di

import (
	"context"
	"database/sql"
	"net/http"
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
}

// Worker is a long-running consumer. Run returns when ctx is cancelled, after the batch in hand.
type Worker struct {
	Name string
	Run  func(ctx context.Context) error
}
