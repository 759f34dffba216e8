package memory_test

import (
	"testing"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/memory"
)

func TestNotificationStore(t *testing.T) {
	t.Parallel()
	contract.NotificationStore(t, func(*testing.T) contract.Notifications { return memory.NewNotificationStore() })
}
