package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres"
)

// freshDB is a migrated database of its own on the bench's server.
type freshDB struct {
	Name string
	URL  string
	DB   *sql.DB
	drop func()
}

// Close closes the pool and drops the database, closing the connections others left open.
func (f *freshDB) Close() { f.drop() }

// newDatabase creates bench_<random> on the server, migrates it and opens a pool on it.
func (e benchEnv) newDatabase(ctx context.Context) (*freshDB, error) {
	admin, err := postgres.Open(ctx, e.opts.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("%w (run `make services`)", err)
	}
	name := "bench_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	f := &freshDB{Name: name}
	var pool *sql.DB
	f.drop = func() {
		if pool != nil {
			_ = pool.Close()
		}
		if err := dropDatabase(admin, name); err != nil {
			logf("could not drop database %s: %v", name, err)
		}
		_ = admin.Close()
	}
	u, err := url.Parse(e.opts.DatabaseURL)
	if err != nil {
		f.drop()
		return nil, fmt.Errorf("-database-url must be a postgres:// URL: %w", err)
	}
	u.Path = "/" + name
	f.URL = u.String()
	if pool, err = postgres.Open(ctx, f.URL); err != nil {
		f.drop()
		return nil, err
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		f.drop()
		return nil, err
	}
	f.DB = pool
	return f, nil
}

// dropDatabase drops name, closing the connections left open. FORCE cannot end an autovacuum
// worker for a role without pg_signal_backend, and one often runs right after a bulk load, so
// it retries for up to 30 s.
func dropDatabase(admin *sql.DB, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		if err == nil || ctx.Err() != nil {
			return err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// countTodos returns the number of rows of the todos table.
func countTodos(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM todos").Scan(&n)
	return n, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
