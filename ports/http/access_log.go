package httpport

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// accessLog writes one structured line per request once it is answered: method, route (the
// pattern, never the raw path, which may hold ids), status and duration; the log handler adds
// request_id, correlation_id and user. Server errors are logged at error level.
func accessLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		logger.LogAttrs(c.Request.Context(), level, "http request",
			slog.String("method", c.Request.Method),
			slog.String("route", routeOf(c)),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.Int("bytes", c.Writer.Size()),
		)
	}
}

// routeOf is the route pattern that matched, or "unmatched" for unknown paths and methods, so
// logs and metric labels never carry raw paths.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}
