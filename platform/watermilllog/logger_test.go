package watermilllog_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill"

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

// A record below the logger's level is dropped before Watermill turns its fields into slog
// attributes, which allocates: Watermill's publishers log a trace record per message.
func TestRecordsBelowTheLevelCostNoAllocation(t *testing.T) {
	var out bytes.Buffer
	logger := watermilllog.New(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo})))
	fields := watermill.LogFields{"message_uuid": "0192", "topic": "todo-create", "partition": 3}
	with := logger.With(watermill.LogFields{"component": "publisher"})
	allocs := testing.AllocsPerRun(100, func() {
		logger.Trace("Sending message to Kafka", fields)
		logger.Debug("Sent", fields)
		logger.Info("Subscribing to Kafka topic", fields) // Watermill's info is our debug
		with.Trace("Sending message to Kafka", fields)
	})
	if allocs != 0 || out.Len() != 0 {
		t.Errorf("records below info: %v allocations per run, output %q; want none", allocs, out.String())
	}
}
