package pgpubsub_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"testing"
	"time"

	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
)

// topics are the topics of the pub/subs of these tests.
var topics = []string{"task-events", "task-updates", "taskstream.poison"}

// newPubSub returns the pub/sub on db with the tables of topics.
func newPubSub(t *testing.T, db *sql.DB) *pgpubsub.PubSub {
	t.Helper()
	ps, err := pgpubsub.New(t.Context(), db, topics, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("pgpubsub.New: %v", err)
	}
	t.Cleanup(func() { _ = ps.Close() })
	return ps
}

// Several replicas that start together create the topic tables at the same time; none fails.
func TestPostgresTablesAreCreatedSafelyByReplicasStartingTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	const replicas = 8
	errs := make(chan error, replicas)
	var start sync.WaitGroup
	start.Add(1)
	for range replicas {
		go func() {
			start.Wait()
			ps, err := pgpubsub.New(t.Context(), db, topics, slog.New(slog.DiscardHandler))
			if err == nil {
				_ = ps.Close()
			}
			errs <- err
		}()
	}
	start.Done()
	for range replicas {
		if err := <-errs; err != nil {
			t.Errorf("pgpubsub.New: %v", err)
		}
	}
	for _, topic := range topics {
		var n int
		err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_tables WHERE tablename = ANY($1)`,
			[]string{"watermill_" + topic, "watermill_offsets_" + topic}).Scan(&n)
		if err != nil || n != 2 {
			t.Errorf("topic %s: %d of its 2 tables exist (error %v)", topic, n, err)
		}
	}
}

// A writer publishes in its own transaction with Schema (the direct outbox): the
// subscribers get what it committed and nothing of what it rolled back.
func TestPostgresSchemaPublishesInTheWritersTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	b := newPubSub(t, db)
	topic := "task-events"
	publishInTx := func(commit bool, msg *message.Message) {
		tx, err := db.BeginTx(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := wmsql.NewPublisher(wmsql.TxFromStdSQL(tx), wmsql.PublisherConfig{SchemaAdapter: pgpubsub.Schema()}, nil)
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
	b := newPubSub(t, db)
	topic := "task-updates"
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
	b := newPubSub(t, pgtest.NewDB(t))
	topic := "taskstream.poison"
	payload := []byte{'{', 0xff, 0x00, '"'}
	if err := b.Publisher().Publish(topic, message.NewMessage("binary", payload)); err != nil {
		t.Fatalf("publish a payload that is not JSON: %v", err)
	}
	if got := receive(t, subscribe(t, b, "reader", false, topic)); !bytes.Equal(got.Payload, payload) {
		t.Errorf("payload %q, want %q", got.Payload, payload)
	}
}

// Rows older than the retention are deleted; younger ones stay.
func TestPostgresRetentionDeletesOldRows(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	db := pgtest.NewDB(t)
	b := newPubSub(t, db)
	topic := "task-events"
	publish(t, b, topic, "old-1", "old-2", "young")
	_, err := db.ExecContext(t.Context(), `UPDATE "watermill_`+topic+`" SET created_at = created_at - interval '8 days' WHERE uuid LIKE 'old-%'`)
	if err != nil {
		t.Fatal(err)
	}
	n, err := b.Prune(t.Context(), topic, pgpubsub.Retention)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d rows (error %v), want the 2 old ones", n, err)
	}
	if got := receive(t, subscribe(t, b, "after-prune", false, topic)); got.UUID != "young" {
		t.Errorf("after pruning the first message is %s, want young", got.UUID)
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

func publish(t *testing.T, b *pgpubsub.PubSub, topic string, uuids ...string) {
	t.Helper()
	for _, id := range uuids {
		if err := b.Publisher().Publish(topic, message.NewMessage(id, []byte(`{}`))); err != nil {
			t.Fatalf("publish %s: %v", id, err)
		}
	}
}

// subscribe subscribes group to topic until ctx (default: the test's) ends; the messages it
// returns are acknowledged by receive.
func subscribe(t *testing.T, b *pgpubsub.PubSub, group string, fromNewest bool, topic string, ctx ...context.Context) <-chan *message.Message {
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
