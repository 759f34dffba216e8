package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/taskstream/taskstream/domain/shared"
)

// queryError wraps err from a to-do query for the edges (see entityError).
func queryError(op string, err error) error { return entityError("todo", op, err) }

// taskError wraps err from a task query for the edges (see entityError).
func taskError(op string, err error) error { return entityError("task", op, err) }

// entityError wraps err from a query about entity for the edges: a missing row is the domain's
// not-found error; a failure of the database itself (unreachable, restarting, out of
// connections, timed out) is unavailable, which the API answers 503 so that clients retry;
// anything else stays internal.
func entityError(entity, op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return shared.NotFound(entity)
	}
	return dbError(op, err)
}

// dbError wraps err from a statement that finds no entity (an insert, a commit): unavailable
// when the database itself failed, else internal.
func dbError(op string, err error) error {
	err = fmt.Errorf("postgres: %s: %w", op, err)
	if transient(err) {
		return shared.Unavailable("the database cannot take the request now, try again", err)
	}
	return err
}

// transient reports whether err comes from the database being unreachable or busy rather than
// from the statement: SQLSTATE classes 08 (connection exception), 53 (insufficient resources)
// and 57 (operator intervention, such as a shutdown), serialization failures and deadlocks,
// network errors, and timeouts or cancellation.
func transient(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "53", "57":
			return true
		}
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var (
		connectErr *pgconn.ConnectError
		netErr     net.Error
	)
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		pgconn.Timeout(err)
}
