package todo_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

const validID = "0190f3a2-7b1c-7d4e-8f00-123456789abc"

func TestNew(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name        string
		id          string
		userID      shared.UserID
		title       string
		description string
		createdAt   time.Time
		wantField   string // empty: valid
		wantTitle   string
		wantDesc    string
	}{
		{name: "valid", id: validID, userID: "alice", title: "Buy milk", wantTitle: "Buy milk"},
		{name: "title is trimmed", id: validID, userID: "alice", title: "  Buy milk \t", wantTitle: "Buy milk"},
		{name: "empty title", id: validID, userID: "alice", title: "", wantField: "title"},
		{name: "blank title", id: validID, userID: "alice", title: " \t\n ", wantField: "title"},
		{name: "title of max runes", id: validID, userID: "alice", title: strings.Repeat("é", todo.MaxTitleLength), wantTitle: strings.Repeat("é", todo.MaxTitleLength)},
		{name: "title too long", id: validID, userID: "alice", title: strings.Repeat("a", todo.MaxTitleLength+1), wantField: "title"},
		{name: "title with new line", id: validID, userID: "alice", title: "two\nlines", wantField: "title"},
		{name: "title with control char", id: validID, userID: "alice", title: "bell\a", wantField: "title"},
		{name: "title invalid utf-8", id: validID, userID: "alice", title: "bad \xff", wantField: "title"},
		{name: "description with new lines and tabs", id: validID, userID: "alice", title: "t", description: "one\n\ttwo\r\nthree", wantTitle: "t", wantDesc: "one\n\ttwo\r\nthree"},
		{name: "description is trimmed", id: validID, userID: "alice", title: "t", description: "  notes \n", wantTitle: "t", wantDesc: "notes"},
		{name: "description of max runes", id: validID, userID: "alice", title: "t", description: strings.Repeat("日", todo.MaxDescriptionLength), wantTitle: "t", wantDesc: strings.Repeat("日", todo.MaxDescriptionLength)},
		{name: "description too long", id: validID, userID: "alice", title: "t", description: strings.Repeat("日", todo.MaxDescriptionLength+1), wantField: "description"},
		{name: "description with control char", id: validID, userID: "alice", title: "t", description: "nul\x00", wantField: "description"},
		{name: "bad id", id: "not-a-uuid", userID: "alice", title: "t", wantField: "id"},
		{name: "id too short", id: validID[:35], userID: "alice", title: "t", wantField: "id"},
		{name: "empty user id", id: validID, userID: "", title: "t", wantField: "user_id"},
		{name: "user id with space", id: validID, userID: "al ice", title: "t", wantField: "user_id"},
		{name: "user id too long", id: validID, userID: shared.UserID(strings.Repeat("u", 129)), title: "t", wantField: "user_id"},
		{name: "zero created_at", id: validID, userID: "alice", title: "t", createdAt: time.Time{}, wantField: "created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			createdAt := tt.createdAt
			if createdAt.IsZero() && tt.wantField != "created_at" {
				createdAt = now
			}
			got, err := todo.New(tt.id, tt.userID, tt.title, tt.description, createdAt)
			if tt.wantField != "" {
				assertInvalid(t, err, tt.wantField)
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got.Title() != tt.wantTitle || got.Description() != tt.wantDesc {
				t.Errorf("title, description = %q, %q; want %q, %q", got.Title(), got.Description(), tt.wantTitle, tt.wantDesc)
			}
			if got.Completed() || !got.CreatedAt().Equal(now) || !got.UpdatedAt().Equal(now) || got.CreatedAt().Location() != time.UTC {
				t.Errorf("new to-do: completed %v, created %v, updated %v; want open, both %v in UTC",
					got.Completed(), got.CreatedAt(), got.UpdatedAt(), now)
			}
		})
	}
}

func TestNewLowercasesID(t *testing.T) {
	t.Parallel()
	got, err := todo.New(strings.ToUpper(validID), "alice", "t", "", time.Now())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got.ID() != validID {
		t.Errorf("ID() = %q, want %q", got.ID(), validID)
	}
}

func TestChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		change    func(*todo.Todo) error
		wantField string
		check     func(*testing.T, *todo.Todo)
	}{
		{name: "rename", change: func(td *todo.Todo) error { return td.Rename(" new ") },
			check: func(t *testing.T, td *todo.Todo) { wantEqual(t, td.Title(), "new") }},
		{name: "rename to empty keeps title", change: func(td *todo.Todo) error { return td.Rename("  ") }, wantField: "title",
			check: func(t *testing.T, td *todo.Todo) { wantEqual(t, td.Title(), "old") }},
		{name: "rename too long keeps title", change: func(td *todo.Todo) error { return td.Rename(strings.Repeat("x", 201)) }, wantField: "title",
			check: func(t *testing.T, td *todo.Todo) { wantEqual(t, td.Title(), "old") }},
		{name: "describe", change: func(td *todo.Todo) error { return td.Describe("a\nb") },
			check: func(t *testing.T, td *todo.Todo) { wantEqual(t, td.Description(), "a\nb") }},
		{name: "describe with escape keeps description", change: func(td *todo.Todo) error { return td.Describe("\x1b[31m") }, wantField: "description",
			check: func(t *testing.T, td *todo.Todo) { wantEqual(t, td.Description(), "old description") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			td, err := todo.New(validID, "alice", "old", "old description", time.Now())
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			err = tt.change(td)
			if tt.wantField != "" {
				assertInvalid(t, err, tt.wantField)
			} else if err != nil {
				t.Fatalf("change: %v", err)
			}
			tt.check(t, td)
		})
	}
}

func TestCompleteAndTouch(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	td, err := todo.New(validID, "alice", "t", "", created)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	later := created.Add(time.Hour).In(time.FixedZone("X", -7200))
	td.SetCompleted(true)
	td.Touch(later)
	if !td.Completed() || !td.UpdatedAt().Equal(later) || td.UpdatedAt().Location() != time.UTC || !td.CreatedAt().Equal(created) {
		t.Errorf("completed %v updated %v created %v; want true, %v (UTC), %v", td.Completed(), td.UpdatedAt(), td.CreatedAt(), later, created)
	}
}

func assertInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var e *shared.Error
	if !errors.As(err, &e) || e.Kind != shared.KindInvalid || e.Field != field {
		t.Fatalf("error = %#v, want an invalid-%s error", err, field)
	}
}

func wantEqual(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
