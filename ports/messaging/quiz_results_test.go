package messaging_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/ports/messaging"
)

// A batch of submitted events is scored together; a message that cannot be decoded and one
// that names no stored submission are rejected with their reasons, in arrival order, and a
// later delivery of a scored submission's event is taken without a rejection (that it stores
// nothing is the quiz store contract's).
func TestResultCalculatorScoresABatchAndRejectsTheBadOnes(t *testing.T) {
	t.Parallel()
	pubsub := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	t.Cleanup(func() { _ = pubsub.Close() })
	topics := messages.QuizTopics{Submissions: "test_submissions", ResultsReady: "test_results_ready"}
	store, err := memory.NewQuizStore(pubsub, topics)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ctx := context.Background()
	quiz, err := testresult.NewQuiz(uuid.NewString(), "owner", "Quiz", []testresult.QuestionSpec{{
		ID: "q1", Text: "?", Kind: "single", Category: "go", Points: 1,
		Options: []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}, Correct: []string{"b"},
	}}, testresult.QuizSettings{UnlimitedAttempts: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddQuiz(ctx, quiz); err != nil {
		t.Fatal(err)
	}
	newSubmission := func(answer string) *testresult.Submission {
		t.Helper()
		s, err := testresult.NewSubmission(uuid.NewString(), quiz, "taker", map[string][]string{"q1": {answer}}, now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	submitted := func(s *testresult.Submission) *message.Message {
		t.Helper()
		msgs, err := messages.QuizSubmitted(s, shared.EventMeta{}, topics)
		if err != nil {
			t.Fatal(err)
		}
		return msgs[0].Message
	}
	stored := func(answer string) *message.Message {
		t.Helper()
		s := newSubmission(answer)
		if _, err := store.AddSubmission(ctx, s, func(int) error { return nil }, shared.EventMeta{}); err != nil {
			t.Fatal(err)
		}
		return submitted(s)
	}
	right, wrong := stored("b"), stored("a")
	garbage := message.NewMessage("garbage", []byte(`{"submission_id":`))
	unknown := submitted(newSubmission("b")) // never stored

	h := messaging.NewResultCalculator(command.NewScoreSubmissionsHandler(store, func() time.Time { return now }), 1)
	rejected, err := h.Handle(ctx, []*message.Message{right, garbage, unknown, wrong, right})
	if err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 2 || rejected[0].Message != garbage || rejected[1].Message != unknown ||
		!strings.Contains(rejected[1].Reason.Error(), "no submission") {
		t.Fatalf("rejected %+v, want the garbage and the unknown submission, in that order", rejected)
	}
	for _, msg := range []*message.Message{right, wrong} {
		var ev testresult.Submitted
		if err := json.Unmarshal(msg.Payload, &ev); err != nil {
			t.Fatal(err)
		}
		s, err := store.GetSubmission(ctx, "taker", ev.SubmissionID)
		if err != nil || s.Status() != testresult.StatusScored {
			t.Errorf("submission %s: %v, want scored", ev.SubmissionID, err)
		}
	}
	if rejected, err := h.Handle(ctx, []*message.Message{right}); err != nil || len(rejected) != 0 {
		t.Fatalf("a redelivery: %v %v", rejected, err)
	}
}
