package di

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/config"
)

// NewParking opens what `taskstream poison` needs: the broker of cfg (with the database, for
// BROKER=postgres) and the parked messages of its poison topic. The cleanup closes both.
func NewParking(ctx context.Context, cfg config.Config, logger *slog.Logger) (*poison.Parking, func(), error) {
	// A replay is a span of its own, linked to the parked message's trace (adapters/poison).
	return withTracingOf(ctx, "poison", logger, func() (*poison.Parking, func(), error) { return newParking(ctx, cfg, logger) })
}

func newParking(ctx context.Context, cfg config.Config, logger *slog.Logger) (*poison.Parking, func(), error) {
	if cfg.Broker == config.BrokerGoChannel {
		return nil, nil, fmt.Errorf("poison: %w", poison.ErrNothingKept)
	}
	var db *sql.DB
	closeDB := func() {}
	if cfg.Broker == config.BrokerPostgres {
		var err error
		if db, err = postgres.Open(ctx, cfg.DatabaseURL); err != nil {
			return nil, nil, err
		}
		closeDB = func() { _ = db.Close() }
	}
	b, closeBroker, err := provideBroker(ctx, cfg, db, logger)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	parking, err := poison.NewParking(b, b.Publisher(), cfg.Topics.Poison)
	if err != nil {
		closeBroker()
		closeDB()
		return nil, nil, err
	}
	return parking, func() { closeBroker(); closeDB() }, nil
}
