package postgres_test

import (
	"context"
	"database/sql"
	"net"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// An unreachable database is a dependency that cannot take the request now (503 at the API), not
// an internal error; a missing row stays not found.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	addr := closedAddr(t)
	conn, err := sql.Open("pgx", "postgres://u:p@"+addr+"/db?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	repo := postgres.NewTodoRepository(conn)
	ctx := context.Background()
	id := uuid.NewString()

	_, err = repo.Get(ctx, "u1", id)
	assertKind(t, "Get", err, shared.KindUnavailable)
	_, err = repo.List(ctx, todo.ListQuery{UserID: "u1", Limit: 10})
	assertKind(t, "List", err, shared.KindUnavailable)
	_, err = repo.Update(ctx, "u1", id, func(*todo.Todo) error { return nil })
	assertKind(t, "Update", err, shared.KindUnavailable)
	assertKind(t, "Delete", repo.Delete(ctx, "u1", id), shared.KindUnavailable)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = repo.Get(cancelled, "u1", id)
	assertKind(t, "Get with a cancelled context", err, shared.KindUnavailable)
	// An id that cannot exist never reaches the database.
	_, err = repo.Get(ctx, "u1", "not-a-uuid")
	assertKind(t, "Get of a malformed id", err, shared.KindNotFound)
}

func assertKind(t *testing.T, op string, err error, want shared.Kind) {
	t.Helper()
	if got := shared.KindOf(err); got != want {
		t.Errorf("%s: error %v has kind %s, want %s", op, err, got, want)
	}
}

// The error of a failed Open says where it tried to connect and never a password, whether it
// is in the user info or in the query string.
func TestOpenErrorHidesPasswords(t *testing.T) {
	t.Parallel()
	addr := closedAddr(t)
	_, err := postgres.Open(context.Background(), "postgres://app:secret1@"+addr+"/tasks?password=secret2&sslpassword=secret3&connect_timeout=2")
	if err == nil {
		t.Fatal("Open succeeded on a closed port")
	}
	msg := err.Error()
	if strings.Contains(msg, "secret") {
		t.Errorf("the error shows a password: %s", msg)
	}
	if !strings.Contains(msg, "postgres://app@"+addr+"/tasks") {
		t.Errorf("the error does not say where it connected: %s", msg)
	}
}

// closedAddr returns a loopback address nothing listens on: connections to it are refused.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}
