package httpport

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
)

// limitBody refuses bodies larger than maxBytes: at once when Content-Length says so, else
// when reading passes the limit (the JSON decoder then reports errBodyTooLarge).
func limitBody(maxBytes int64, logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > maxBytes {
			abortWithProblem(c, logger, errBodyTooLarge)
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBytes)
		}
		c.Next()
	}
}
