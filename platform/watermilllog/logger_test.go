package watermilllog_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/platform/watermilllog"
)

func TestWatermillInfoIsDebugAndErrorsStayErrors(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	logger := watermilllog.New(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})))
	logger.Info("Subscribing to Kafka topic", nil)
	logger.Error("consume failed", errors.New("broken"), nil)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 records, got %q", out.String())
	}
	if !strings.Contains(lines[0], `level=DEBUG msg="Subscribing to Kafka topic"`) {
		t.Errorf("Watermill's info record: %q, want it at debug", lines[0])
	}
	if !strings.Contains(lines[1], `level=ERROR msg="consume failed" error=broken`) {
		t.Errorf("Watermill's error record: %q", lines[1])
	}
}
