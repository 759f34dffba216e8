package httpport

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// headerIdempotencyKey names a POST's intent, so that a client may retry it (after a timeout or
// a 503) without creating a second resource: the same user and key always name the same one.
const headerIdempotencyKey = "Idempotency-Key"

// maxIdempotencyKey bounds the key: long enough for a UUID or a hash, short enough to log.
const maxIdempotencyKey = 255

// idempotencyKeyOf reads the request's Idempotency-Key: absent is "", a structured-field string
// ("...", as the IETF draft writes it) or a bare token of 1 to 255 printable ASCII characters
// is the key, anything else is a 400.
func idempotencyKeyOf(c *gin.Context) (string, error) {
	values := c.Request.Header.Values(headerIdempotencyKey)
	switch len(values) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", malformed(headerIdempotencyKey, "must be sent once")
	}
	key := strings.TrimSpace(values[0])
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if key == "" || len(key) > maxIdempotencyKey {
		return "", malformed(headerIdempotencyKey, "must be 1 to %d characters", maxIdempotencyKey)
	}
	for i := range len(key) {
		if key[i] < 0x20 || key[i] > 0x7e || key[i] == '"' || key[i] == '\\' {
			return "", malformed(headerIdempotencyKey, "must be printable ASCII without quotes or backslashes")
		}
	}
	return key, nil
}
