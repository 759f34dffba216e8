package messaging

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// Handler names of the test-results consumers, in logs, metrics and the handler_poisoned header.
// They are a public contract, like the topics.
const (
	// ResultCalculatorHandlerName scores test_submissions (group result-calculator).
	ResultCalculatorHandlerName = "result-calculator"
	// QuizAnalyticsHandlerName keeps per-quiz statistics from test_results_ready (group
	// analytics). Its name says "test", as the API does.
	QuizAnalyticsHandlerName = "test-analytics"
)

// ResultCalculator scores the submissions of a batch of submitted events in one transaction
// (a BatchHandler, run by RunBatches). At most workers batches are scored at once
// in the process, whatever the broker hands over in parallel (on Kafka, a batch per assigned
// partition).
type ResultCalculator struct {
	score command.ScoreSubmissionsHandler
	slots chan struct{}
}

// NewResultCalculator returns the result-calculator handler with workers slots. It panics on a
// nil use case or fewer than one worker.
func NewResultCalculator(score command.ScoreSubmissionsHandler, workers int) *ResultCalculator {
	if score == nil || workers < 1 {
		panic("messaging: result calculator needs a ScoreSubmissions handler and at least one worker")
	}
	return &ResultCalculator{score: score, slots: make(chan struct{}, workers)}
}

// Handle decodes every message, scores the submissions they name in one transaction and
// rejects the messages that cannot be decoded or name no stored submission, each with its
// reason.
func (h *ResultCalculator) Handle(ctx context.Context, msgs []*message.Message) ([]Rejected, error) {
	b := decodeBatch(msgs, testresult.EventSubmitted, testresult.EventSubmittedVersion, func(ev testresult.Submitted, msg *message.Message) command.ScoreItem {
		return command.ScoreItem{Event: ev, Meta: metaOf(msg)}
	})
	if len(b.items) > 0 {
		select {
		case h.slots <- struct{}{}:
			defer func() { <-h.slots }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		res, err := h.score.Handle(ctx, command.ScoreSubmissions{Items: b.items})
		if err != nil {
			return nil, err
		}
		b.reject(res.Rejected)
	}
	return b.rejected(), nil
}

// QuizAnalytics records each scored submission in its quiz's statistics.
type QuizAnalytics struct {
	record command.RecordQuizScoreHandler
}

// NewQuizAnalytics returns the analytics handler. It panics on a nil use case.
func NewQuizAnalytics(record command.RecordQuizScoreHandler) *QuizAnalytics {
	if record == nil {
		panic("messaging: nil RecordQuizScore handler")
	}
	return &QuizAnalytics{record: record}
}

// Handle records one score; a score recorded before changes nothing.
func (h *QuizAnalytics) Handle(msg *message.Message) error {
	var ev testresult.Scored
	if err := envelope.Decode(msg, testresult.EventScored, testresult.EventScoredVersion, &ev); err != nil {
		return shared.Invalid("message", "%v", err)
	}
	_, err := h.record.Handle(msg.Context(), command.RecordQuizScore{Event: ev})
	return err
}
