package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

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

// outcomeUnknown is what a caller learns of a commit whose answer was lost; the error also wraps
// shared.ErrOutcomeUnknown so that each edge can say how to retry in its own terms.
const outcomeUnknown = "the connection to the database was lost during the commit, so the change may or may not " +
	"have been stored"

// commitError wraps err from a COMMIT. An answer from the server (an error it reports) means
// nothing was committed; a connection that ended while the commit was under way leaves the
// outcome unknown, which the error says, still unavailable so that the caller retries.
func commitError(op string, err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) && transient(err) {
		return shared.Unavailable(outcomeUnknown, fmt.Errorf("postgres: %s: %w: %w", op, shared.ErrOutcomeUnknown, err))
	}
	return dbError(op, err)
}

// transient reports whether err comes from the database being unreachable or busy rather than
// from the statement: SQLSTATE classes 08 (connection exception), 53 (insufficient resources,
// such as 53300 too many connections) and 57 (operator intervention: 57P01 to 57P03, a
// shutdown or a restart), serialization failures and deadlocks, and a connection that failed or
// ended (connect errors, network errors, a connection the driver has closed, a stream cut short),
// timeouts or cancellation.
func transient(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "53", "57":
			return true
		}
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	return connectionLost(err) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) || pgconn.Timeout(err)
}

// connectionLost reports an error of the connection rather than of the statement: it could not
// be made, or it ended under the statement (the server crashed or was restarted, the backend
// was terminated, the network broke), so the statement did not run or its answer was lost.
func connectionLost(err error) bool {
	var (
		connectErr *pgconn.ConnectError
		netErr     net.Error
	)
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone)
}
