package httpport_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// invisibleRunes are the bidirectional and zero-width formatting characters every text field
// refuses, as it refuses control characters: a quiz title with them reaches other users'
// notifications reversed or spoofed.
var invisibleRunes = []rune{
	0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
	0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF,
}

// Every text field a user enters answers 422 with the field named, for each invisible
// formatting character, and stores nothing.
func TestTextFieldsRefuseInvisibleFormattingCharacters(t *testing.T) {
	t.Parallel()
	quiz := func(title, question, option string) string {
		return fmt.Sprintf(`{"title":%q,"questions":[{"id":"q1","text":%q,"kind":"single","category":"c","points":1,`+
			`"options":[{"id":"a","text":%q},{"id":"b","text":"b"}],"correct":["a"]}]}`, title, question, option)
	}
	fields := []struct {
		name, path, field string
		body              func(s string) string
	}{
		{"task title", "/v1/tasks", "title", func(s string) string { return fmt.Sprintf(`{"title":%q}`, s) }},
		{"task description", "/v1/tasks", "description",
			func(s string) string { return fmt.Sprintf(`{"title":"a","description":%q}`, s) }},
		{"to-do title", "/v1/todos", "title", func(s string) string { return fmt.Sprintf(`{"title":%q}`, s) }},
		{"to-do description", "/v1/todos", "description",
			func(s string) string { return fmt.Sprintf(`{"title":"a","description":%q}`, s) }},
		{"quiz title", "/v1/tests", "title", func(s string) string { return quiz(s, "q", "a") }},
		{"question text", "/v1/tests", "questions", func(s string) string { return quiz("t", s, "a") }},
		{"option text", "/v1/tests", "questions", func(s string) string { return quiz("t", "q", s) }},
	}
	f := newFixture(t, fixtureOptions{})
	for _, fc := range fields {
		for _, r := range invisibleRunes {
			t.Run(fmt.Sprintf("%s U+%04X", fc.name, r), func(t *testing.T) {
				body := fc.body("Pay " + string(r) + "invoice")
				rec := f.do(request{method: http.MethodPost, path: fc.path, user: "alice", body: body})
				p := decodeProblem(t, rec, http.StatusUnprocessableEntity)
				if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Field, fc.field) {
					t.Errorf("errors = %+v, want one about %s", p.Errors, fc.field)
				}
			})
		}
	}
	// The same bodies without the character are taken, so each refusal is the character's.
	if rec := f.do(request{method: http.MethodPost, path: "/v1/tests", user: "alice", body: quiz("t", "q", "a")}); rec.Code != http.StatusCreated {
		t.Fatalf("a plain quiz: status %d: %s", rec.Code, rec.Body)
	}
	// Letters of right-to-left scripts, and the characters next to the refused ranges, are text.
	for _, title := range []string{"שלום עולם", "مرحبا", "a\u2010b", "a\u2065b"} {
		rec := f.do(request{method: http.MethodPost, path: "/v1/tasks", user: "alice", body: fmt.Sprintf(`{"title":%q}`, title)})
		if rec.Code != http.StatusCreated {
			t.Errorf("title %q: status %d: %s", title, rec.Code, rec.Body)
		}
	}
}
