package postgres_test

import (
	"testing"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
)

func TestNotificationStore(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	// One database for the whole suite: every subtest uses its own user ids.
	store, err := postgres.NewNotificationStore(pgtest.NewDB(t), "notification-service")
	if err != nil {
		t.Fatal(err)
	}
	contract.NotificationStore(t, func(*testing.T) contract.Notifications { return store })
}
