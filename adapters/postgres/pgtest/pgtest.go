// Package pgtest gives each test its own, freshly migrated PostgreSQL database, so integration
// and component tests can run in parallel without seeing each other's rows. The server comes from
// DATABASE_URL (default: the one `make services` starts). An unreachable server fails the test:
// only -short skips integration tests.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres"
)

// DefaultURL is the server `make services` starts, used when DATABASE_URL is not set.
const DefaultURL = "postgres://taskstream:taskstream@127.0.0.1:5432/taskstream?sslmode=disable" //nolint:gosec // the local test server of scripts/services.sh

// ServerURL returns DATABASE_URL, or DefaultURL when it is not set.
func ServerURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// NewDB returns a pool on a fresh, migrated database that is dropped when the test ends.
func NewDB(t testing.TB) *sql.DB {
	t.Helper()
	_, db := NewDatabase(t)
	return db
}

// URL returns the URL of a fresh, migrated database that is dropped when the test ends, for
// component tests that start the binary with DATABASE_URL set to it.
func URL(t testing.TB) string {
	t.Helper()
	u, _ := NewDatabase(t)
	return u
}

// NewDatabase creates a database test_<random> on the server of DATABASE_URL, migrates it and
// returns its URL and a pool on it. Cleanup closes the pool and drops the database, closing any
// connection left open (a binary the test started, for example). In -short mode it skips the test.
func NewDatabase(t testing.TB) (dbURL string, db *sql.DB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	server := ServerURL()
	admin, err := postgres.Open(ctx, server)
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL is not reachable; start it with `make services` or set DATABASE_URL: %v", err)
	}
	name := "test_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() { dropDatabase(t, admin, name) })

	dbURL, err = withDatabase(server, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	db, err = postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("pgtest: open %s: %v", name, err)
	}
	t.Cleanup(func() { _ = db.Close() }) // runs before the drop: cleanups run last-in first-out
	if err := postgres.Migrate(ctx, db); err != nil {
		t.Fatalf("pgtest: migrate %s: %v", name, err)
	}
	return dbURL, db
}

func dropDatabase(t testing.TB, admin *sql.DB, name string) {
	defer func() { _ = admin.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// An autovacuum worker that starts on the database right after a bulk load can make the
	// drop fail once; a few tries get past it.
	var err error
	for try := 0; try < 5; try++ {
		if _, err = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("pgtest: drop database %s: %v", name, err)
}

// withDatabase returns the server URL with its database name replaced.
func withDatabase(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil || u.Scheme == "" {
		return "", fmt.Errorf("DATABASE_URL must be a postgres:// URL for tests")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
