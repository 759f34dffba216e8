package main

import (
	"io"
	"log/slog"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/taskstream/taskstream/config"
	httpport "github.com/taskstream/taskstream/ports/http"
)

func newLogger(cfg config.Config) *slog.Logger {
	return buildLogger(os.Stderr, cfg, isTerminal(os.Stderr))
}

// buildLogger writes records to w in the format logFormat picks.
func buildLogger(w io.Writer, cfg config.Config, terminal bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if logFormat(cfg.LogFormat, terminal) == "text" {
		if terminal {
			opts.ReplaceAttr = shortTime
		}
		h = slog.NewTextHandler(w, opts)
	}
	// Records made with a request's context carry its request id, correlation id and user.
	return slog.New(httpport.NewLogHandler(h))
}

// logFormat picks the format of the log: LOG_FORMAT wins when set. Unset, a person at a
// terminal reads text, and anything else (a file, a pipe, a log collector) gets JSON, one object
// a line, as before.
func logFormat(setting string, terminal bool) string {
	if setting != "" {
		return setting
	}
	if terminal {
		return "text"
	}
	return "json"
}

// isTerminal reports whether f is a terminal. go-isatty asks the terminal driver (an ioctl), so
// /dev/null, a character device too, does not count.
func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// shortTime prints a record's time as 15:04:05.000 for a person at a terminal: the date is the
// day they are looking at.
func shortTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
		return slog.String(slog.TimeKey, a.Value.Time().Format("15:04:05.000"))
	}
	return a
}
