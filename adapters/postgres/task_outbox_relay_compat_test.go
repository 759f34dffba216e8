package postgres_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"maps"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// The stock Watermill Forwarder, reading watermill_outbox with a watermill-sql subscriber,
// delivers the stored events to their destination topics intact: a standard Watermill relay
// can read our outbox. The migration's tables are used as they are (no schema initialization).
func TestStockForwarderDeliversTheOutbox(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	user := shared.UserID("forwarded-user")
	tk := addTestTask(t, store, user, "forward me")
	mustChange(t, store, user, tk.ID(), rename("forwarded"))
	stored := outboxEnvelopes(t, conn)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Each publish waits for the test's ack: GoChannel otherwise hands every message over in a
	// goroutine of its own, and the order this test checks would be GoChannel's, not the
	// Forwarder's.
	out := gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, watermill.NopLogger{})
	t.Cleanup(func() { _ = out.Close() })
	received := map[string]<-chan *message.Message{}
	for _, topic := range []string{"task-events", "task-updates"} {
		ch, err := out.Subscribe(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		received[topic] = ch
	}
	runForwarder(ctx, t, conn, out)

	got := map[string][]*message.Message{}
	for _, env := range stored {
		select {
		case msg := <-received[env.DestinationTopic]:
			msg.Ack()
			got[env.DestinationTopic] = append(got[env.DestinationTopic], msg)
		case <-ctx.Done():
			t.Fatalf("the forwarder delivered %d of %d messages", len(got["task-events"])+len(got["task-updates"]), len(stored))
		}
	}
	next := map[string]int{}
	for _, env := range stored {
		msg := got[env.DestinationTopic][next[env.DestinationTopic]]
		next[env.DestinationTopic]++
		if msg.UUID != env.UUID || !bytes.Equal(msg.Payload, env.Payload) || !maps.Equal(msg.Metadata, env.Metadata) {
			t.Errorf("on %s got %s %s %v, want %s %s %v", env.DestinationTopic, msg.UUID, msg.Payload, msg.Metadata,
				env.UUID, env.Payload, env.Metadata)
		}
		decodeTaskEvent(t, env.DestinationTopic, msg)
	}
}

// runForwarder runs forwarder.NewForwarder on topic "outbox" of conn, publishing to out, until
// the test ends.
func runForwarder(ctx context.Context, t *testing.T, conn *sql.DB, out message.Publisher) {
	t.Helper()
	sub, err := wsql.NewSubscriber(wsql.BeginnerFromStdSQL(conn), wsql.SubscriberConfig{
		ConsumerGroup:  "stock-forwarder",
		SchemaAdapter:  wsql.DefaultPostgreSQLSchema{},
		OffsetsAdapter: wsql.DefaultPostgreSQLOffsetsAdapter{},
		PollInterval:   50 * time.Millisecond,
	}, watermill.NopLogger{})
	if err != nil {
		t.Fatal(err)
	}
	fwd, err := forwarder.NewForwarder(sub, out, watermill.NopLogger{}, forwarder.Config{ForwarderTopic: "outbox"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- fwd.Run(ctx) }()
	t.Cleanup(func() {
		_ = fwd.Close()
		if err := <-done; err != nil {
			t.Errorf("forwarder: %v", err)
		}
	})
	select {
	case <-fwd.Running():
	case <-ctx.Done():
		t.Fatal("the forwarder did not start")
	}
}

// In direct mode (BROKER=postgres) each event goes, as it is, to the watermill-sql table of its
// destination topic, where a watermill-sql subscriber reads it; nothing goes to the outbox.
func TestTaskStoreDirectModeWritesTheTopicTables(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sub := directSubscriber(t, conn, "direct-test")
	for _, topic := range []string{"task-events", "task-updates"} {
		if err := sub.SubscribeInitialize(topic); err != nil {
			t.Fatal(err)
		}
	}

	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{Outbox: outbox.Config{Mode: outbox.Direct}})
	user := shared.UserID("direct-user")
	tk := addTestTask(t, store, user, "direct")
	mustChange(t, store, user, tk.ID(), rename("direct again"))

	if n := len(tableMessages(t, conn, "outbox")); n != 0 {
		t.Errorf("direct mode wrote %d rows to the outbox", n)
	}
	for _, topic := range []string{"task-events", "task-updates"} {
		rows := tableMessages(t, conn, topic)
		msgs, err := sub.Subscribe(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			select {
			case msg := <-msgs:
				msg.Ack()
				if msg.UUID != row.UUID {
					t.Errorf("%s message %d is %s, the table's row is %s", topic, i, msg.UUID, row.UUID)
				}
				ev := decodeTaskEvent(t, topic, msg) // one of Recorded and Changed is decoded, the other is zero
				if v := ev.Recorded.Task.Version + ev.Changed.Version; v != int64(i+1) {
					t.Errorf("%s message %d is of version %d, want %d", topic, i, v, i+1)
				}
			case <-ctx.Done():
				t.Fatalf("%s: received %d of %d messages", topic, i, len(rows))
			}
		}
		if len(rows) != 2 {
			t.Errorf("watermill_%s holds %d messages, want 2", topic, len(rows))
		}
	}
}

// The project's Relay forwards what the task store wrote, in order and intact.
func TestRelayForwardsTaskStoreEvents(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	user := shared.UserID("relayed-user")
	tk := addTestTask(t, store, user, "relay me")
	mustChange(t, store, user, tk.ID(), rename("relayed"))
	mustChange(t, store, user, tk.ID(), rename("relayed twice"))
	stored := outboxEnvelopes(t, conn)

	rec := &relayed{}
	relay, err := outbox.NewRelay(conn, outbox.RelayConfig{Publisher: rec, PoisonTopic: "poison", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	// Rows show only below the oldest running transaction of the whole server, and the parallel
	// tests open and close databases, so a committed row may take a few rounds to show.
	for deadline := time.Now().Add(15 * time.Second); len(rec.got) < len(stored) && time.Now().Before(deadline); {
		if n, err := relay.Round(t.Context()); err != nil {
			t.Fatal(err)
		} else if n == 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if len(rec.got) != len(stored) {
		t.Fatalf("relayed %d messages, want %d", len(rec.got), len(stored))
	}
	for i, env := range stored {
		got := rec.got[i]
		if got.Topic != env.DestinationTopic || got.Message.UUID != env.UUID || !bytes.Equal(got.Message.Payload, env.Payload) ||
			!maps.Equal(got.Message.Metadata, env.Metadata) {
			t.Errorf("relayed message %d is %s %s on %s, want %s %s on %s", i, got.Message.UUID, got.Message.Payload, got.Topic,
				env.UUID, env.Payload, env.DestinationTopic)
		}
	}
}

// relayed is an outbox.BatchPublisher that keeps what the relay sends it.
type relayed struct{ got []envelope.Routed }

func (r *relayed) PublishBatch(_ context.Context, msgs []envelope.Routed) error {
	r.got = append(r.got, msgs...)
	return nil
}
