package main

import (
	"log/slog"

	"github.com/taskstream/taskstream/config"
)

// logWarnings logs each setting that weakens the service's security (config.Warnings) once at
// start, as a warning naming its variable.
func logWarnings(cfg config.Config, logger *slog.Logger) {
	for _, w := range cfg.Warnings() {
		logger.Warn(w.Message, "variable", w.Variable)
	}
}
