package broker_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/broker/brokertest"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/config"
)

// TestPostgresContract runs the broker contract on watermill-sql's pub/sub, each subtest on its
// own database. It keeps per-key order and messages for consumer groups, as Kafka does.
func TestPostgresContract(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	brokertest.Run(t, func(t *testing.T) *broker.Broker {
		return newPostgres(t, pgtest.NewDB(t))
	}, brokertest.Features{KeyOrder: true, Durable: true})
}

// newPostgres returns the postgres broker on db with the default topic names.
func newPostgres(t *testing.T, db *sql.DB) *broker.Broker {
	t.Helper()
	b, cleanup, err := broker.New(postgresConfig(t), db, brokertest.Logger(t))
	if err != nil {
		t.Fatalf("broker.New(postgres): %v", err)
	}
	t.Cleanup(cleanup)
	return b
}

// postgresConfig is the default configuration with BROKER=postgres.
func postgresConfig(t *testing.T) config.Config {
	t.Helper()
	cfg, err := config.Load(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Broker = config.BrokerPostgres
	return cfg
}

// Several replicas that start together create the topic tables at the same time; none fails.
func TestPostgresTablesAreCreatedSafelyByReplicasStartingTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	cfg := postgresConfig(t)
	const replicas = 8
	errs := make(chan error, replicas)
	var start sync.WaitGroup
	start.Add(1)
	for range replicas {
		go func() {
			start.Wait()
			_, cleanup, err := broker.New(cfg, db, brokertest.Logger(t))
			if err == nil {
				cleanup()
			}
			errs <- err
		}()
	}
	start.Done()
	for range replicas {
		if err := <-errs; err != nil {
			t.Errorf("broker.New: %v", err)
		}
	}
	for _, topic := range cfg.Topics.All() {
		var n int
		err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_tables WHERE tablename = ANY($1)`,
			[]string{"watermill_" + topic, "watermill_offsets_" + topic}).Scan(&n)
		if err != nil || n != 2 {
			t.Errorf("topic %s: %d of its 2 tables exist (error %v)", topic, n, err)
		}
	}
}

// A writer publishes in its own transaction with PostgresSchema (the direct outbox): the broker's
// subscribers get what it committed and nothing of what it rolled back.
func TestPostgresSchemaPublishesInTheWritersTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	b := newPostgres(t, db)
	topic := postgresConfig(t).Topics.TaskEvents
	publishInTx := func(commit bool, msg *message.Message) {
		tx, err := db.BeginTx(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := wmsql.NewPublisher(wmsql.TxFromStdSQL(tx), wmsql.PublisherConfig{SchemaAdapter: broker.PostgresSchema()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := pub.Publish(topic, msg); err != nil {
			t.Fatalf("publish in the transaction: %v", err)
		}
		end := tx.Rollback
		if commit {
			end = tx.Commit
		}
		if err := end(); err != nil {
			t.Fatal(err)
		}
	}
	publishInTx(false, message.NewMessage("rolled-back", []byte(`{}`)))
	publishInTx(true, message.NewMessage("committed", []byte(`{"n":1}`)))

	msgs := subscribe(t, b, "audit-service", false, topic)
	if got := receive(t, msgs); got.UUID != "committed" || string(got.Payload) != `{"n":1}` {
		t.Errorf("received %s %q, want the committed message", got.UUID, got.Payload)
	}
	expectNothing(t, msgs)
}

// A group that starts from the newest message gets only what is published after it joined; once
// it has a position, it keeps it, as a Kafka group keeps its committed offsets.
func TestPostgresGroupStartsFromNewest(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	b := newPostgres(t, db)
	topic := postgresConfig(t).Topics.TaskUpdates
	publish(t, b, topic, "before-1", "before-2")
	waitReadable(t, db, topic)

	ctx, leave := context.WithCancel(t.Context())
	msgs := subscribe(t, b, "websocket-a", true, topic, ctx)
	publish(t, b, topic, "after-1")
	if got := receive(t, msgs); got.UUID != "after-1" {
		t.Errorf("a new group from the newest got %s first, want after-1", got.UUID)
	}
	expectNothing(t, msgs)
	leave()

	publish(t, b, topic, "while-away")
	if got := receive(t, subscribe(t, b, "websocket-a", true, topic)); got.UUID != "while-away" {
		t.Errorf("the group back from the newest got %s, want while-away (its position is kept)", got.UUID)
	}
	if got := receive(t, subscribe(t, b, "from-oldest", false, topic)); got.UUID != "before-1" {
		t.Errorf("a new group from the oldest got %s first, want before-1", got.UUID)
	}
}

// The tables take any payload (bytea): the poison topic must take the one that is not JSON.
func TestPostgresTakesAnyPayload(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	b := newPostgres(t, pgtest.NewDB(t))
	topic := postgresConfig(t).Topics.Poison
	payload := []byte{'{', 0xff, 0x00, '"'}
	if err := b.Publisher().Publish(topic, message.NewMessage("binary", payload)); err != nil {
		t.Fatalf("publish a payload that is not JSON: %v", err)
	}
	if got := receive(t, subscribe(t, b, "reader", false, topic)); !bytes.Equal(got.Payload, payload) {
		t.Errorf("payload %q, want %q", got.Payload, payload)
	}
	if b.TooLarge(errors.New("anything")) {
		t.Error("TooLarge on postgres: true")
	}
}

// Rows older than the retention are deleted; younger ones stay.
func TestPostgresRetentionDeletesOldRows(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	b := newPostgres(t, db)
	topic := postgresConfig(t).Topics.TaskEvents
	publish(t, b, topic, "old-1", "old-2", "young")
	_, err := db.ExecContext(t.Context(), `UPDATE "watermill_`+topic+`" SET created_at = created_at - interval '8 days' WHERE uuid LIKE 'old-%'`)
	if err != nil {
		t.Fatal(err)
	}
	n, err := broker.PruneOlderThan(t.Context(), b, topic, broker.PostgresRetention)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d rows (error %v), want the 2 old ones", n, err)
	}
	if got := receive(t, subscribe(t, b, "after-prune", false, topic)); got.UUID != "young" {
		t.Errorf("after pruning the first message is %s, want young", got.UUID)
	}
}

func TestPostgresBrokerNeedsADatabaseAndChecksIt(t *testing.T) {
	t.Parallel()
	if _, _, err := broker.New(postgresConfig(t), nil, brokertest.Logger(t)); err == nil {
		t.Error("broker.New(postgres) without a database: nil error")
	}
	if testing.Short() {
		return
	}
	db := pgtest.NewDB(t)
	b := newPostgres(t, db)
	if err := b.Check(t.Context()); err != nil {
		t.Errorf("Check on a live database: %v", err)
	}
	_ = db.Close()
	if err := b.Check(t.Context()); err == nil {
		t.Error("Check passed after the database was closed")
	}
}

// waitReadable waits until every row of topic is below the oldest running transaction of the
// server, where subscribers read. Until then a group that starts from the newest message may
// still get them: it never skips a row that commits after it joined, so it cannot skip one that
// is not readable yet either.
func waitReadable(t *testing.T, db *sql.DB, topic string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var pending int
		err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM "watermill_`+topic+`"
			WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())`).Scan(&pending)
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows of %s are still above the oldest running transaction after 10s", pending, topic)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func publish(t *testing.T, b *broker.Broker, topic string, uuids ...string) {
	t.Helper()
	for _, id := range uuids {
		if err := b.Publisher().Publish(topic, message.NewMessage(id, []byte(`{}`))); err != nil {
			t.Fatalf("publish %s: %v", id, err)
		}
	}
}

// subscribe subscribes group to topic until ctx (default: the test's) ends; the messages it
// returns are acknowledged by receive.
func subscribe(t *testing.T, b *broker.Broker, group string, fromNewest bool, topic string, ctx ...context.Context) <-chan *message.Message {
	t.Helper()
	sub, err := b.Subscriber(group, fromNewest)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	subCtx := t.Context()
	if len(ctx) > 0 {
		subCtx = ctx[0]
	}
	msgs, err := sub.Subscribe(subCtx, topic)
	if err != nil {
		t.Fatalf("subscribe %s to %s: %v", group, topic, err)
	}
	return msgs
}

func receive(t *testing.T, msgs <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case m := <-msgs:
		m.Ack()
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
		return nil
	}
}

// expectNothing fails if a message comes within a few poll intervals.
func expectNothing(t *testing.T, msgs <-chan *message.Message) {
	t.Helper()
	select {
	case m := <-msgs:
		m.Ack()
		t.Errorf("unexpected message %s", m.UUID)
	case <-time.After(500 * time.Millisecond):
	}
}
