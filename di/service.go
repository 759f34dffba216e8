package di

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"

	"github.com/taskstream/taskstream/config"
)

// Service is the assembled process: the HTTP API and the workers. Which parts run is the
// subcommand's choice.
type Service struct {
	Config  config.Config
	Logger  *slog.Logger
	HTTP    http.Handler
	Workers []Worker
	// DB is the PostgreSQL pool, nil on the in-memory repositories.
	DB *sql.DB
}

// Worker is a long-running consumer. Run returns when ctx is cancelled, after the batch in hand.
type Worker struct {
	Name string
	Run  func(ctx context.Context) error
}
