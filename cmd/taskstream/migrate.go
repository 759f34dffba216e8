package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/config"
)

// migrate applies the migrations to DATABASE_URL. Several processes may run it at once.
func migrate(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("migrate takes no arguments, got %v", args)
	}
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL must be set to migrate")
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	if err := postgres.Migrate(ctx, db); err != nil {
		return err
	}
	newLogger(cfg).Info("database migrated")
	return nil
}
