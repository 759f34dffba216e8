package memory_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
)

func TestQuizStore(t *testing.T) {
	t.Parallel()
	contract.QuizStore(t, func(t *testing.T) contract.Quizzes {
		pubSub := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
		t.Cleanup(func() { _ = pubSub.Close() })
		store, err := memory.NewQuizStore(pubSub, messages.QuizTopics{Submissions: "test_submissions", ResultsReady: "test_results_ready"})
		if err != nil {
			t.Fatal(err)
		}
		return store
	})
}
