package httpport_test

import (
	"net/http"
	"strings"
	"testing"
)

// The API document says which cursors the lists take: 32 base64url characters. Every such
// string is taken (one the API did not return starts the page elsewhere in the caller's own
// list), and nothing else is: what the document allows, the server takes.
func TestListsTakeExactlyTheCursorsTheDocumentAllows(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	f.seed("alice", 3, seedBase)
	cases := []struct {
		cursor string
		status int
	}{
		{strings.Repeat("A", 32), http.StatusOK},
		{strings.Repeat("_", 32), http.StatusOK},
		{"aqi0rfpzxtLamX15uTQeIrE161b6A8_f", http.StatusOK},
		{"", http.StatusBadRequest},
		{"0", http.StatusBadRequest},
		{strings.Repeat("A", 31), http.StatusBadRequest},
		{strings.Repeat("A", 33), http.StatusBadRequest},
		{strings.Repeat("A", 31) + "=", http.StatusBadRequest},
	}
	for _, list := range []string{"/v1/todos", "/v1/tasks", "/v1/notifications"} {
		for _, c := range cases {
			rec := f.do(request{method: http.MethodGet, path: list + "?cursor=" + c.cursor, user: "alice"})
			if rec.Code != c.status {
				t.Errorf("%s?cursor=%s: %d, want %d: %s", list, c.cursor, rec.Code, c.status, rec.Body)
			}
		}
	}
}
