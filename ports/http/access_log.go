package httpport

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// accessLog writes one structured line per request once it is answered: method, route (the
// pattern, never the raw path, which may hold ids), status and duration; the log handler adds
// request_id, correlation_id and user. The level follows the status: answered requests (below
// 400) at debug, client errors at info, server errors at error. Rates, statuses and latencies of
// every request are in /metrics; at info the log keeps what needs a look, and the hot path does
// not pay a log line per accepted to-do (LOG_LEVEL=debug shows every request).
func accessLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelDebug
		switch {
		case status >= 500:
			level = slog.LevelError
		case status >= 400:
			level = slog.LevelInfo
		}
		ctx := c.Request.Context()
		if !logger.Enabled(ctx, level) {
			return
		}
		logger.LogAttrs(ctx, level, "http request",
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
