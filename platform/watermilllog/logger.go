// Package watermilllog gives Watermill's components the service's logger.
package watermilllog

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// New returns a Watermill logger writing to logger, with Watermill's info records at debug.
// Watermill logs at info each subscription it starts and ends ("Subscribing to Kafka topic",
// "Starting consuming", "Consuming done", "Pub/Sub closed"): one line per topic and consumer
// group at every start and stop, which buried the few lines a person needs to read. Its errors
// stay errors.
func New(logger *slog.Logger) watermill.LoggerAdapter {
	return watermill.NewSlogLoggerWithLevelMapping(logger, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
}
