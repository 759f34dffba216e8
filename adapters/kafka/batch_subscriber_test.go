package kafka_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/kafka"
)

func TestNewBatchSubscriberRequiresAGroupAndValidSettings(t *testing.T) {
	t.Parallel()
	k := kafka.Config{Brokers: []string{"127.0.0.1:1"}}
	if _, err := kafka.NewBatchSubscriber(k, kafka.BatchConfig{}, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("NewBatchSubscriber without a group: nil error")
	}
	bad := k
	bad.SecurityProtocol, bad.TLSCAFile = "SSL", "/nonexistent/ca.pem"
	_, err := kafka.NewBatchSubscriber(bad, kafka.BatchConfig{Group: "g"}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "KAFKA_TLS_CA_FILE") {
		t.Errorf("NewBatchSubscriber with a missing CA file: error = %v, want one naming KAFKA_TLS_CA_FILE", err)
	}
}

// TestRunRefusesANilProcess: the process is checked before the subscriber joins the group, so
// a wiring mistake shows at once and not as a consumer that never commits.
func TestRunRefusesANilProcess(t *testing.T) {
	t.Parallel()
	sub, err := kafka.NewBatchSubscriber(kafka.Config{Brokers: []string{"127.0.0.1:1"}}, kafka.BatchConfig{Group: "g"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("NewBatchSubscriber: %v", err)
	}
	if err := sub.Run(t.Context(), "todo-create", nil); err == nil {
		t.Error("Run with a nil process: nil error")
	}
}
