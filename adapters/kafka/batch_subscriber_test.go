package kafka_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/platform/batch"
)

func TestNewBatchSubscriberRequiresAGroupAndValidSettings(t *testing.T) {
	t.Parallel()
	k := config.Kafka{Brokers: []string{"127.0.0.1:1"}}
	if _, err := kafka.NewBatchSubscriber(k, kafka.BatchConfig{}, batch.Processor{}); err == nil {
		t.Error("NewBatchSubscriber without a group: nil error")
	}
	bad := k
	bad.SecurityProtocol, bad.TLSCAFile = "SSL", "/nonexistent/ca.pem"
	_, err := kafka.NewBatchSubscriber(bad, kafka.BatchConfig{Group: "g"}, batch.Processor{})
	if err == nil || !strings.Contains(err.Error(), "KAFKA_TLS_CA_FILE") {
		t.Errorf("NewBatchSubscriber with a missing CA file: error = %v, want one naming KAFKA_TLS_CA_FILE", err)
	}
}

// TestRunRefusesAnIncompleteProcessor: the processor is checked before the subscriber joins the
// group, so a wiring mistake shows at once and not as a consumer that never commits.
func TestRunRefusesAnIncompleteProcessor(t *testing.T) {
	t.Parallel()
	sub, err := kafka.NewBatchSubscriber(config.Kafka{Brokers: []string{"127.0.0.1:1"}}, kafka.BatchConfig{Group: "g"}, batch.Processor{Name: "ingest"})
	if err != nil {
		t.Fatalf("NewBatchSubscriber: %v", err)
	}
	h := func(context.Context, []*message.Message) ([]batch.Rejected, error) { return nil, nil }
	if err := sub.Run(t.Context(), "todo-create", h); err == nil {
		t.Error("Run with a processor without poison publisher, logger and metrics: nil error")
	}
}
