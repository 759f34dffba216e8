package memory_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/domain/task"
)

func newTaskStore(t *testing.T) (*memory.TaskStore, *memory.AuditLog) {
	t.Helper()
	pubSub := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	t.Cleanup(func() { _ = pubSub.Close() })
	audit := memory.NewAuditLog()
	store, err := memory.NewTaskStore(pubSub, messages.TaskTopics{Events: "task-events", Updates: "task-updates"}, audit)
	if err != nil {
		t.Fatal(err)
	}
	return store, audit
}

func TestTaskStore(t *testing.T) {
	t.Parallel()
	contract.TaskStore(t, func(t *testing.T) contract.Tasks {
		store, _ := newTaskStore(t)
		return store
	})
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	contract.AuditLog(t, func(t *testing.T) (task.AuditLog, contract.AuditHistory) {
		// The store reads its history from the audit log, as the API does.
		store, audit := newTaskStore(t)
		return audit, store
	})
}
