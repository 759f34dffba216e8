package memory_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/domain/notification"
)

const createdTopic = "notification.created"

func TestNotificationStore(t *testing.T) {
	t.Parallel()
	contract.NotificationStore(t, func(t *testing.T) contract.NotificationBackend {
		pub := &recorder{}
		store, err := memory.NewNotificationStore(pub, createdTopic)
		if err != nil {
			t.Fatal(err)
		}
		return contract.NotificationBackend{
			Store:   store,
			Emitted: func(*testing.T) []*message.Message { return pub.published(createdTopic) },
			Failing: failingAdds{NotificationStore: store, pub: pub},
		}
	})
}

func TestNewNotificationStoreRefusesMissingDependencies(t *testing.T) {
	t.Parallel()
	if _, err := memory.NewNotificationStore(nil, createdTopic); err == nil {
		t.Error("no publisher: accepted")
	}
	if _, err := memory.NewNotificationStore(&recorder{}, ""); err == nil {
		t.Error("no topic: accepted")
	}
}

// failingAdds is a store whose publisher fails while it adds.
type failingAdds struct {
	*memory.NotificationStore
	pub *recorder
}

func (f failingAdds) Add(ctx context.Context, messageID string, n *notification.Notification) (bool, error) {
	f.pub.setFailing(true)
	defer f.pub.setFailing(false)
	return f.NotificationStore.Add(ctx, messageID, n)
}

// published returns the messages published to topic so far, in order.
func (r *recorder) published(topic string) []*message.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs[topic])
}
