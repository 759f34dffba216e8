package httpport

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// position is where a newest-first list resumes: the creation time and id of the last item of
// the previous page. The to-do and task lists share it; each converts it to its own Cursor.
type position struct {
	createdAt time.Time
	id        string
}

// cursorJSON is the content of a page cursor. Clients must treat the cursor as opaque: it is
// base64url (no padding) of this JSON, and its shape may change.
type cursorJSON struct {
	CreatedAt string `json:"created_at"`
	ID        string `json:"id"`
}

func encodeCursor(p position) string {
	raw, _ := json.Marshal(cursorJSON{CreatedAt: p.createdAt.UTC().Format(time.RFC3339Nano), ID: p.id})
	return base64.RawURLEncoding.EncodeToString(raw)
}

// decodeCursor reads a cursor made by encodeCursor; anything else is a 400.
func decodeCursor(s string) (position, error) {
	bad := malformed("cursor", "is not a cursor this API returned")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return position{}, bad
	}
	var cj cursorJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cj); err != nil {
		return position{}, bad
	}
	at, err := time.Parse(time.RFC3339Nano, cj.CreatedAt)
	if err != nil || !shared.IsUUID(cj.ID) {
		return position{}, bad
	}
	return position{createdAt: at, id: strings.ToLower(cj.ID)}, nil
}

// pageOf reads the paging parameters every list takes: limit, 1 to maxSize (defaultSize when
// absent), and cursor, the position to resume after (nil when absent). Bad values are a 400.
func pageOf(params url.Values, defaultSize, maxSize int) (int, *position, error) {
	limit := defaultSize
	if params.Has("limit") {
		n, err := strconv.Atoi(params.Get("limit"))
		if err != nil || n < 1 || n > maxSize {
			return 0, nil, malformed("limit", "must be an integer from 1 to %d", maxSize)
		}
		limit = n
	}
	if !params.Has("cursor") {
		return limit, nil, nil
	}
	after, err := decodeCursor(params.Get("cursor"))
	if err != nil {
		return 0, nil, err
	}
	return limit, &after, nil
}
