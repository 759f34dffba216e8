package contract

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// newUser returns a user id no other subtest uses.
func newUser() shared.UserID {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return shared.UserID("user-" + hex.EncodeToString(b))
}

// micro truncates to the microsecond, the precision every repository must keep (PostgreSQL's).
func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func newTodo(t *testing.T, user shared.UserID, title string, createdAt time.Time) *todo.Todo {
	t.Helper()
	td, err := todo.New(uuid.NewString(), user, title, "about "+title, micro(createdAt))
	if err != nil {
		t.Fatalf("todo.New: %v", err)
	}
	return td
}

func mustAdd(t *testing.T, repo todo.Repository, wantInserted int, todos ...*todo.Todo) {
	t.Helper()
	n, err := repo.AddBatch(context.Background(), todos)
	if err != nil {
		t.Fatalf("AddBatch: %v", err)
	}
	if n != wantInserted {
		t.Fatalf("AddBatch inserted %d, want %d", n, wantInserted)
	}
}

func mustList(t *testing.T, repo todo.Repository, q todo.ListQuery) todo.Page {
	t.Helper()
	page, err := repo.List(context.Background(), q)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return page
}

func assertNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if shared.KindOf(err) != shared.KindNotFound {
		t.Errorf("%s: error = %v, want a not-found error", what, err)
	}
}

func assertSame(t *testing.T, got, want *todo.Todo) {
	t.Helper()
	if got.ID() != want.ID() || got.UserID() != want.UserID() || got.Title() != want.Title() ||
		got.Description() != want.Description() || got.Completed() != want.Completed() ||
		!got.CreatedAt().Equal(want.CreatedAt()) || !got.UpdatedAt().Equal(want.UpdatedAt()) {
		t.Errorf("got  %s\nwant %s", describe(got), describe(want))
	}
}

func describe(t *todo.Todo) string {
	return strings.Join([]string{t.ID(), string(t.UserID()), t.Title(), t.Description(),
		map[bool]string{true: "completed", false: "open"}[t.Completed()],
		t.CreatedAt().Format(time.RFC3339Nano), t.UpdatedAt().Format(time.RFC3339Nano)}, " | ")
}

// newestFirst returns the to-dos in List order: created_at descending, then id descending.
func newestFirst(todos []*todo.Todo) []*todo.Todo {
	s := slices.Clone(todos)
	slices.SortFunc(s, func(a, b *todo.Todo) int {
		if c := b.CreatedAt().Compare(a.CreatedAt()); c != 0 {
			return c
		}
		return strings.Compare(b.ID(), a.ID())
	})
	return s
}

func titles(todos []*todo.Todo) []string {
	out := make([]string, len(todos))
	for i, t := range todos {
		out[i] = t.Title()
	}
	return out
}
