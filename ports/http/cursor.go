package httpport

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// cursorJSON is the content of a page cursor. Clients must treat the cursor as opaque: it is
// base64url (no padding) of this JSON, and its shape may change.
type cursorJSON struct {
	CreatedAt string `json:"created_at"`
	ID        string `json:"id"`
}

func encodeCursor(c todo.Cursor) string {
	raw, _ := json.Marshal(cursorJSON{CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano), ID: c.ID})
	return base64.RawURLEncoding.EncodeToString(raw)
}

// decodeCursor reads a cursor made by encodeCursor; anything else is a 400.
func decodeCursor(s string) (todo.Cursor, error) {
	bad := malformed("cursor", "is not a cursor this API returned")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return todo.Cursor{}, bad
	}
	var cj cursorJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cj); err != nil {
		return todo.Cursor{}, bad
	}
	at, err := time.Parse(time.RFC3339Nano, cj.CreatedAt)
	if err != nil || !shared.IsUUID(cj.ID) {
		return todo.Cursor{}, bad
	}
	return todo.Cursor{CreatedAt: at, ID: strings.ToLower(cj.ID)}, nil
}
