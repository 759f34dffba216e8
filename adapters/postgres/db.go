package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Pool settings. Idle connections are kept as long as open ones so that bursts do not pay for
// new connections; an idle connection is closed after five minutes.
const (
	maxOpenConns    = 20
	maxIdleConns    = 20
	connMaxIdleTime = 5 * time.Minute
	pingTimeout     = 5 * time.Second
)

// Open connects to the PostgreSQL database at url (a postgres:// URL or a key=value DSN, as
// DATABASE_URL holds it) with the pgx driver and checks that it answers. The returned *sql.DB is
// a pool, safe for concurrent use; the caller closes it.
func Open(ctx context.Context, url string) (*sql.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: invalid DATABASE_URL (%s): %w", redact(url), err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)

	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("postgres: cannot reach the database at DATABASE_URL (%s): %w", redact(url), err)
	}
	return db, nil
}

// redact shows where a database URL points, scheme://user@host/database, and nothing that may
// be secret: no password, and no query string (libpq takes password= and sslpassword= there).
// A DSN that is not a URL is not shown at all.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "not shown"
	}
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if u.User != nil {
		shown.User = url.User(u.User.Username())
	}
	return shown.String()
}
