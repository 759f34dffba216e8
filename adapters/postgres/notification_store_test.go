package postgres_test

import (
	"context"
	"database/sql"
	"log/slog"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
)

const createdTopic = "notification.created"

func newTestNotificationStore(t *testing.T, conn *sql.DB, cfg postgres.NotificationStoreConfig) *postgres.NotificationStore {
	t.Helper()
	cfg.ConsumerGroup = "notification-service"
	store, err := postgres.NewNotificationStore(conn, cfg)
	if err != nil {
		t.Fatalf("NewNotificationStore: %v", err)
	}
	return store
}

// The contract with the events in the outbox, as Forwarder envelopes for the relay.
func TestNotificationStore(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	// One database for the whole suite: every subtest uses its own user ids.
	conn := pgtest.NewDB(t)
	backend := contract.NotificationBackend{
		Store: newTestNotificationStore(t, conn, postgres.NotificationStoreConfig{}),
		Emitted: func(t *testing.T) []*message.Message {
			var out []*message.Message
			for _, env := range outboxEnvelopes(t, conn) {
				if env.DestinationTopic == createdTopic {
					out = append(out, env.message())
				}
			}
			return out
		},
		// Its envelopes go to a topic without a table: the write fails after the notification's.
		Failing: newTestNotificationStore(t, conn, postgres.NotificationStoreConfig{Outbox: outbox.Config{ForwarderTopic: "no_such_table"}}),
	}
	contract.NotificationStore(t, func(*testing.T) contract.NotificationBackend { return backend })
}

// The contract with BROKER=postgres: the events go straight to the topic table of
// notification.created, which the PostgreSQL pub/sub created, and none to the outbox.
func TestNotificationStoreDirectMode(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	conn := pgtest.NewDB(t)
	ps, err := pgpubsub.New(context.Background(), conn, []string{createdTopic}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	direct := outbox.Config{Mode: outbox.Direct}
	backend := contract.NotificationBackend{
		Store: newTestNotificationStore(t, conn, postgres.NotificationStoreConfig{Topic: createdTopic, Outbox: direct}),
		Emitted: func(t *testing.T) []*message.Message {
			var out []*message.Message
			err := ps.ReadTopic(context.Background(), createdTopic, func(r pgpubsub.Row) bool {
				out = append(out, r.Message)
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(tableMessages(t, conn, "outbox")); n != 0 {
				t.Errorf("direct mode wrote %d rows to the outbox", n)
			}
			return out
		},
		Failing: newTestNotificationStore(t, conn, postgres.NotificationStoreConfig{Topic: "no_such_topic", Outbox: direct}),
	}
	contract.NotificationStore(t, func(*testing.T) contract.NotificationBackend { return backend })
}

func TestNewNotificationStoreRefusesABadConfig(t *testing.T) {
	t.Parallel()
	conn := &sql.DB{} // never used: the configuration is refused first
	for name, cfg := range map[string]postgres.NotificationStoreConfig{
		"no consumer group": {},
		"bad topic":         {ConsumerGroup: "notification-service", Topic: "bad topic"},
		"bad outbox mode":   {ConsumerGroup: "notification-service", Outbox: outbox.Config{Mode: "carrier-pigeon"}},
	} {
		if _, err := postgres.NewNotificationStore(conn, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := postgres.NewNotificationStore(nil, postgres.NotificationStoreConfig{ConsumerGroup: "g"}); err == nil {
		t.Error("nil *sql.DB: accepted")
	}
}
