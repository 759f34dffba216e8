// Package watermilllog gives Watermill's components the service's logger.
package watermilllog

import (
	"context"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// New returns a Watermill logger writing to logger, with Watermill's info records at debug.
// Watermill logs at info each subscription it starts and ends ("Subscribing to Kafka topic",
// "Starting consuming", "Consuming done", "Pub/Sub closed"): one line per topic and consumer
// group at every start and stop, which buried the few lines a person needs to read. Its errors
// stay errors.
func New(logger *slog.Logger) watermill.LoggerAdapter {
	mapped := watermill.NewSlogLoggerWithLevelMapping(logger, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
	return leveled{LoggerAdapter: mapped, logger: logger}
}

// leveled skips a record below the logger's level before Watermill builds it: Watermill's slog
// adapter turns the fields into attributes first and lets slog drop the record after, and its
// publishers log a trace record per message sent (1.5% of the API's CPU under the accept
// bench, for lines nobody reads).
type leveled struct {
	watermill.LoggerAdapter
	logger *slog.Logger
}

func (l leveled) enabled(level slog.Level) bool {
	return l.logger.Enabled(context.Background(), level)
}

func (l leveled) Info(msg string, fields watermill.LogFields) {
	if l.enabled(slog.LevelDebug) { // Watermill's info is our debug (see New)
		l.LoggerAdapter.Info(msg, fields)
	}
}

func (l leveled) Debug(msg string, fields watermill.LogFields) {
	if l.enabled(slog.LevelDebug) {
		l.LoggerAdapter.Debug(msg, fields)
	}
}

func (l leveled) Trace(msg string, fields watermill.LogFields) {
	if l.enabled(watermill.LevelTrace) {
		l.LoggerAdapter.Trace(msg, fields)
	}
}

func (l leveled) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return leveled{LoggerAdapter: l.LoggerAdapter.With(fields), logger: l.logger}
}
