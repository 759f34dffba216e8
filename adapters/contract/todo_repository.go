package contract

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/todo"
)

// TodoRepository runs the todo.Repository contract against the repositories newRepo returns.
// Subtests run in parallel and each uses its own random user ids, so newRepo may hand every
// subtest the same repository (one database per suite run, for example).
func TodoRepository(t *testing.T, newRepo func(t *testing.T) todo.Repository) {
	tests := []struct {
		name string
		run  func(t *testing.T, repo todo.Repository)
	}{
		{"add and get", testAddAndGet},
		{"add batch is idempotent", testAddBatchIdempotent},
		{"another user's to-do is not found", testOtherUser},
		{"list newest first with cursor pagination", testListPagination},
		{"list filters by completed", testListCompletedFilter},
		{"update changes fields and updated_at", testUpdate},
		{"update whose change fails stores nothing", testUpdateChangeFails},
		{"deleted to-do is not brought back by a replayed batch", testDeleteThenReplay},
		{"delete twice is not found", testDeleteTwice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newRepo(t))
		})
	}
}

func testAddAndGet(t *testing.T, repo todo.Repository) {
	ctx, user := context.Background(), newUser()
	want := newTodo(t, user, "buy milk", time.Now())
	mustAdd(t, repo, 1, want)

	got, err := repo.Get(ctx, user, want.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, want)

	_, err = repo.Get(ctx, user, uuid.NewString())
	assertNotFound(t, "Get unknown id", err)
	_, err = repo.Get(ctx, user, "not-a-uuid")
	assertNotFound(t, "Get malformed id", err)
}

func testAddBatchIdempotent(t *testing.T, repo todo.Repository) {
	ctx, user := context.Background(), newUser()
	now := time.Now()
	a, b := newTodo(t, user, "a", now), newTodo(t, user, "b", now.Add(time.Second))
	mustAdd(t, repo, 2, a, b)
	mustAdd(t, repo, 0, a, b)

	c := newTodo(t, user, "c", now.Add(2*time.Second))
	cAgain := todo.Rehydrate(c.ID(), user, "c replayed", "", false, c.CreatedAt(), c.UpdatedAt())
	mustAdd(t, repo, 1, c, cAgain, a)

	got, err := repo.Get(ctx, user, c.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Title() != "c" {
		t.Errorf("title = %q, want the first copy's %q", got.Title(), "c")
	}
	page := mustList(t, repo, todo.ListQuery{UserID: user, Limit: todo.MaxPageSize})
	if len(page.Items) != 3 {
		t.Errorf("listed %d to-dos, want 3", len(page.Items))
	}
	if n, err := repo.AddBatch(ctx, nil); err != nil || n != 0 {
		t.Errorf("AddBatch(nil) = %d, %v; want 0, nil", n, err)
	}
}

func testOtherUser(t *testing.T, repo todo.Repository) {
	ctx, owner, other := context.Background(), newUser(), newUser()
	td := newTodo(t, owner, "mine", time.Now())
	mustAdd(t, repo, 1, td)

	_, err := repo.Get(ctx, other, td.ID())
	assertNotFound(t, "Get", err)
	_, err = repo.Update(ctx, other, td.ID(), func(t *todo.Todo) error { return t.Rename("stolen") })
	assertNotFound(t, "Update", err)
	assertNotFound(t, "Delete", repo.Delete(ctx, other, td.ID()))
	if page := mustList(t, repo, todo.ListQuery{UserID: other, Limit: 10}); len(page.Items) != 0 {
		t.Errorf("other user lists %d to-dos, want 0", len(page.Items))
	}

	got, err := repo.Get(ctx, owner, td.ID())
	if err != nil {
		t.Fatalf("owner Get: %v", err)
	}
	assertSame(t, got, td)
}

func testListPagination(t *testing.T, repo todo.Repository) {
	user, base := newUser(), time.Now().Add(-time.Hour)
	var added []*todo.Todo
	for i := range 7 {
		// Items 2 and 3 share a creation time: the id breaks the tie.
		at := base.Add(time.Duration(i) * time.Minute)
		if i == 3 {
			at = added[2].CreatedAt()
		}
		added = append(added, newTodo(t, user, fmt.Sprintf("todo %d", i), at))
	}
	mustAdd(t, repo, 7, added...)
	mustAdd(t, repo, 1, newTodo(t, newUser(), "someone else's", base.Add(time.Minute)))

	var got []*todo.Todo
	q := todo.ListQuery{UserID: user, Limit: 3}
	for pages := 0; ; pages++ {
		if pages == 3 {
			t.Fatalf("more than 3 pages of 3 for 7 to-dos")
		}
		page := mustList(t, repo, q)
		got = append(got, page.Items...)
		if page.Next == nil {
			break
		}
		if len(page.Items) != 3 {
			t.Fatalf("page %d has %d items and a next cursor, want 3", pages, len(page.Items))
		}
		q.After = page.Next
	}
	want := newestFirst(added)
	if len(got) != len(want) {
		t.Fatalf("listed %d to-dos, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID() != want[i].ID() {
			t.Errorf("item %d is %q, want %q", i, got[i].Title(), want[i].Title())
		}
	}
}

func testListCompletedFilter(t *testing.T, repo todo.Repository) {
	ctx, user, now := context.Background(), newUser(), time.Now()
	done, open := newTodo(t, user, "done", now), newTodo(t, user, "open", now.Add(time.Second))
	mustAdd(t, repo, 2, done, open)
	if _, err := repo.Update(ctx, user, done.ID(), func(t *todo.Todo) error {
		t.SetCompleted(true)
		return nil
	}); err != nil {
		t.Fatalf("Update: %v", err)
	}

	for _, tc := range []struct {
		completed bool
		want      string
	}{{true, "done"}, {false, "open"}} {
		page := mustList(t, repo, todo.ListQuery{UserID: user, Completed: &tc.completed, Limit: 10})
		if len(page.Items) != 1 || page.Items[0].Title() != tc.want {
			t.Errorf("completed=%v lists %v, want [%s]", tc.completed, titles(page.Items), tc.want)
		}
	}
	if page := mustList(t, repo, todo.ListQuery{UserID: user, Limit: 10}); len(page.Items) != 2 {
		t.Errorf("unfiltered lists %v, want both", titles(page.Items))
	}
}

func testUpdate(t *testing.T, repo todo.Repository) {
	ctx, user := context.Background(), newUser()
	created := time.Now().Add(-time.Hour)
	td := newTodo(t, user, "draft", created)
	mustAdd(t, repo, 1, td)

	later := micro(created.Add(30 * time.Minute))
	updated, err := repo.Update(ctx, user, td.ID(), func(t *todo.Todo) error {
		if err := t.Rename("final"); err != nil {
			return err
		}
		if err := t.Describe("line one\nline two"); err != nil {
			return err
		}
		t.SetCompleted(true)
		t.Touch(later)
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	got, err := repo.Get(ctx, user, td.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, updated)
	if got.Title() != "final" || got.Description() != "line one\nline two" || !got.Completed() {
		t.Errorf("stored %q/%q/%v, want final/two lines/true", got.Title(), got.Description(), got.Completed())
	}
	if !got.UpdatedAt().Equal(later) || !got.CreatedAt().Equal(td.CreatedAt()) {
		t.Errorf("times = created %v updated %v, want created %v updated %v",
			got.CreatedAt(), got.UpdatedAt(), td.CreatedAt(), later)
	}
}

func testUpdateChangeFails(t *testing.T, repo todo.Repository) {
	ctx, user := context.Background(), newUser()
	td := newTodo(t, user, "keep me", time.Now())
	mustAdd(t, repo, 1, td)

	errBoom := errors.New("boom")
	_, err := repo.Update(ctx, user, td.ID(), func(t *todo.Todo) error {
		_ = t.Rename("changed")
		t.SetCompleted(true)
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update error = %v, want the change's error", err)
	}
	got, err := repo.Get(ctx, user, td.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, td)
}

func testDeleteThenReplay(t *testing.T, repo todo.Repository) {
	ctx, user := context.Background(), newUser()
	td := newTodo(t, user, "gone", time.Now())
	mustAdd(t, repo, 1, td)
	if err := repo.Delete(ctx, user, td.ID()); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustAdd(t, repo, 0, td)

	_, err := repo.Get(ctx, user, td.ID())
	assertNotFound(t, "Get after replay", err)
	_, err = repo.Update(ctx, user, td.ID(), func(*todo.Todo) error { return nil })
	assertNotFound(t, "Update after delete", err)
	if page := mustList(t, repo, todo.ListQuery{UserID: user, Limit: 10}); len(page.Items) != 0 {
		t.Errorf("lists %v after delete, want none", titles(page.Items))
	}
}

func testDeleteTwice(t *testing.T, repo todo.Repository) {
	ctx, user := context.Background(), newUser()
	td := newTodo(t, user, "once", time.Now())
	mustAdd(t, repo, 1, td)
	if err := repo.Delete(ctx, user, td.ID()); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	assertNotFound(t, "second Delete", repo.Delete(ctx, user, td.ID()))
	assertNotFound(t, "Delete unknown id", repo.Delete(ctx, user, uuid.NewString()))
}
