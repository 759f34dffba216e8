package httpport

import (
	"encoding/base64"
	"encoding/binary"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// position is where a newest-first list resumes: the creation time and id of the last item of
// the previous page. The to-do and task lists share it; each converts it to its own Cursor.
type position struct {
	createdAt time.Time
	id        string
}

// A page cursor is base64url (no padding) of 24 bytes: the position's creation time in Unix
// nanoseconds (8 bytes, big-endian) and its id as the UUID's 16 bytes. Clients treat it as
// opaque. Every 32-character base64url string decodes to some position, so the API document
// can say exactly which cursors are taken (^[A-Za-z0-9_-]{32}$): one the API did not return
// only starts the page somewhere else in the caller's own list.
const (
	cursorBytes  = 8 + 16
	cursorLength = 32 // base64url characters of cursorBytes
)

func encodeCursor(p position) string {
	var raw [cursorBytes]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(p.createdAt.UnixNano()))
	id, _ := uuid.Parse(p.id) // stored ids are UUIDs
	copy(raw[8:], id[:])
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// decodeCursor reads a cursor in encodeCursor's form; anything else is a 400.
func decodeCursor(s string) (position, error) {
	bad := malformed("cursor", "is not a cursor this API returned")
	if len(s) != cursorLength {
		return position{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) != cursorBytes {
		return position{}, bad
	}
	var id uuid.UUID
	copy(id[:], raw[8:])
	at := time.Unix(0, int64(binary.BigEndian.Uint64(raw[:8]))).UTC() //nolint:gosec // see encodeCursor
	return position{createdAt: at, id: id.String()}, nil
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
