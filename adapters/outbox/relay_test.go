package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/platform/envelope"
)

// recorder is a BatchPublisher that keeps what it is sent, and fails while failing is set.
type recorder struct {
	mu      sync.Mutex
	failing bool
	got     []envelope.Routed
}

func (r *recorder) PublishBatch(_ context.Context, msgs []envelope.Routed) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing {
		return errors.New("broker down")
	}
	r.got = append(r.got, msgs...)
	return nil
}

func (r *recorder) uuids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.got))
	for i, m := range r.got {
		out[i] = m.Message.UUID
	}
	return out
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// writeOutbox commits n messages to the outbox in one transaction the way the stores do:
// watermill-sql's publisher on the transaction, wrapped by the Forwarder's publisher. It
// returns their uuids in order.
func writeOutbox(t *testing.T, db *sql.DB, topic string, n int) []string {
	t.Helper()
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := writeInTx(t, tx, topic, n)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func writeInTx(t *testing.T, tx *sql.Tx, topic string, n int) []string {
	t.Helper()
	pub, err := wmsql.NewPublisher(wmsql.TxFromStdSQL(tx), wmsql.PublisherConfig{SchemaAdapter: wmsql.DefaultPostgreSQLSchema{}}, watermill.NopLogger{})
	if err != nil {
		t.Fatal(err)
	}
	fwd := forwarder.NewPublisher(pub, forwarder.PublisherConfig{ForwarderTopic: outbox.Topic})
	ids := make([]string, n)
	for i := range ids {
		msg := message.NewMessage(watermill.NewUUID(), fmt.Appendf(nil, `{"n":%d}`, i))
		msg.Metadata.Set("ce_partitionkey", "user-1")
		ids[i] = msg.UUID
		if err := fwd.Publish(topic, msg); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func newRelay(t *testing.T, db *sql.DB, pub outbox.BatchPublisher, mutate func(*outbox.RelayConfig)) *outbox.Relay {
	t.Helper()
	cfg := outbox.RelayConfig{Publisher: pub, PoisonTopic: "poison", BatchSize: 10, Logger: quietLogger()}
	if mutate != nil {
		mutate(&cfg)
	}
	r, err := outbox.NewRelay(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func round(t *testing.T, r *outbox.Relay) int {
	t.Helper()
	n, err := r.Round(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// forward runs rounds until want rows were forwarded. Rows show only below the oldest running
// transaction of the whole server, and the parallel tests open and close databases, so a
// committed row may take a few rounds to show.
func forward(t *testing.T, r *outbox.Relay, want int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	got := 0
	for got < want {
		if time.Now().After(deadline) {
			t.Fatalf("forwarded %d rows in 15s, want %d", got, want)
		}
		n := round(t, r)
		if n == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		got += n
	}
	if got != want {
		t.Fatalf("forwarded %d rows, want %d", got, want)
	}
}

func outboxRows(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM "watermill_outbox"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRelayForwardsInOrderAndDeletes(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	want := append(writeOutbox(t, db, "task-events", 15), writeOutbox(t, db, "task-updates", 3)...)
	rec := &recorder{}
	largest := 0
	r := newRelay(t, db, rec, func(c *outbox.RelayConfig) {
		c.Observe = func(rows int, _ time.Duration) { largest = max(largest, rows) }
	})
	forward(t, r, 18)
	if largest != 10 {
		t.Errorf("the largest round forwarded %d rows, want the batch size 10", largest)
	}
	if n := round(t, r); n != 0 {
		t.Fatalf("third round forwarded %d, want 0", n)
	}
	if got := rec.uuids(); !equal(got, want) {
		t.Fatalf("forwarded %v\nwant %v", got, want)
	}
	if rec.got[0].Topic != "task-events" || rec.got[17].Topic != "task-updates" || string(rec.got[1].Message.Payload) != `{"n":1}` {
		t.Errorf("destination or payload lost: %s %s %s", rec.got[0].Topic, rec.got[17].Topic, rec.got[1].Message.Payload)
	}
	if rec.got[0].Message.Metadata.Get("ce_partitionkey") != "user-1" {
		t.Errorf("metadata lost: %v", rec.got[0].Message.Metadata)
	}
	if n := outboxRows(t, db); n != 0 {
		t.Errorf("%d forwarded rows left in the outbox, want 0 (delete on publish)", n)
	}
}

func TestRelayRetentionKeepsForwardedRows(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	writeOutbox(t, db, "task-events", 4)
	rec := &recorder{}
	r := newRelay(t, db, rec, func(c *outbox.RelayConfig) { c.Retention = time.Hour })
	forward(t, r, 4)
	if n := round(t, r); n != 0 {
		t.Fatalf("kept rows were forwarded again: %d", n)
	}
	if n := outboxRows(t, db); n != 4 {
		t.Errorf("%d rows kept, want 4 within the retention", n)
	}
	rows, _, err := outbox.Backlog(context.Background(), db)
	if err != nil || rows != 0 {
		t.Errorf("backlog %d, %v; want 0: kept rows are forwarded", rows, err)
	}
	if _, err := db.Exec(`UPDATE "watermill_outbox" SET created_at = created_at - interval '2 hours'`); err != nil {
		t.Fatal(err)
	}
	writeOutbox(t, db, "task-events", 1)
	forward(t, r, 1)
	if n := outboxRows(t, db); n != 1 {
		t.Errorf("%d rows left, want only the one forwarded within the retention", n)
	}
}

func TestRelayRepublishesAfterAFailedPublish(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	want := writeOutbox(t, db, "task-events", 3)
	rec := &recorder{failing: true}
	r := newRelay(t, db, rec, nil)
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := r.Round(context.Background())
		if err != nil {
			break
		}
		if n > 0 || time.Now().After(deadline) {
			t.Fatal("a round whose publish failed reported success")
		}
		time.Sleep(10 * time.Millisecond)
	}
	rows, oldest, err := outbox.Backlog(context.Background(), db)
	if err != nil || rows != 3 {
		t.Fatalf("backlog after a failed publish: %d rows, %v; want 3", rows, err)
	}
	if oldest < 0 || oldest > time.Minute {
		t.Errorf("oldest age %v", oldest)
	}
	rec.mu.Lock()
	rec.failing = false
	rec.mu.Unlock()
	forward(t, r, 3)
	if got := rec.uuids(); !equal(got, want) {
		t.Fatalf("after recovery forwarded %v, want %v", got, want)
	}
}

func TestRelayWaitsForATransactionThatCommitsLate(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	ctx := context.Background()
	early, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = early.Rollback() }()
	first := writeInTx(t, early, "task-events", 1) // takes the lower transaction id
	second := writeOutbox(t, db, "task-events", 1)
	rec := &recorder{}
	r := newRelay(t, db, rec, nil)
	if n := round(t, r); n != 0 {
		t.Fatalf("forwarded %d rows while an older transaction was open; it would skip that one's rows", n)
	}
	if err := early.Commit(); err != nil {
		t.Fatal(err)
	}
	forward(t, r, 2)
	want := append(first, second...) //nolint:gocritic // first is not used after this
	if got := rec.uuids(); !equal(got, want) {
		t.Fatalf("forwarded %v, want %v (transaction order)", got, want)
	}
}

func TestTwoRelaysKeepOrderAndLoseNothing(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	var want []string
	for range 20 {
		want = append(want, writeOutbox(t, db, "task-events", 25)...)
	}
	rec := &recorder{}
	a, b := newRelay(t, db, rec, nil), newRelay(t, db, rec, nil)
	var wg sync.WaitGroup
	deadline := time.Now().Add(20 * time.Second)
	for _, r := range []*outbox.Relay{a, b} {
		wg.Go(func() {
			for len(rec.uuids()) < len(want) && time.Now().Before(deadline) {
				if _, err := r.Round(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := rec.uuids(); !equal(got, want) {
		t.Fatalf("two relays forwarded %d messages (want %d) or out of order", len(got), len(want))
	}
}

func TestRelayParksARowThatIsNotAnEnvelope(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	if _, err := db.Exec(`INSERT INTO "watermill_outbox" (uuid, payload, metadata, transaction_id)
		VALUES ('bad-1', '{"no":"envelope"}', '{"k":"v"}', pg_current_xact_id())`); err != nil {
		t.Fatal(err)
	}
	good := writeOutbox(t, db, "task-events", 1)
	rec := &recorder{}
	forward(t, newRelay(t, db, rec, nil), 2)
	if len(rec.got) != 2 {
		t.Fatalf("forwarded %d messages, want the parked row and the good one", len(rec.got))
	}
	parked := rec.got[0]
	if parked.Topic != "poison" || parked.Message.UUID != "bad-1" || parked.Message.Metadata.Get("k") != "v" ||
		parked.Message.Metadata.Get(middleware.ReasonForPoisonedKey) == "" {
		t.Errorf("parked %s %s %v", parked.Topic, parked.Message.UUID, parked.Message.Metadata)
	}
	if rec.got[1].Message.UUID != good[0] {
		t.Errorf("the good row after it was not forwarded")
	}
}

// Transaction ids are ordered as numbers: as text, xid 10 sorts before xid 9, and a round of one
// row would forward 10, move the position past 9 and delete 9 unsent.
func TestRelayOrdersTransactionIdsAsNumbers(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	// Rows of long-finished transactions 10 and 9, inserted in that order (so by offset, too, 10
	// comes first); every running transaction is younger.
	for _, xid := range []string{"10", "9"} {
		if _, err := db.Exec(`INSERT INTO "watermill_outbox" (uuid, payload, metadata, transaction_id)
			VALUES ($1, $2, '{}', $3::xid8)`, "xid-"+xid,
			`{"destination_topic":"task-events","uuid":"xid-`+xid+`","payload":"e30=","metadata":{}}`, xid); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{}
	forward(t, newRelay(t, db, rec, func(c *outbox.RelayConfig) { c.BatchSize = 1 }), 2)
	if got, want := rec.uuids(), []string{"xid-9", "xid-10"}; !equal(got, want) {
		t.Fatalf("forwarded %v, want %v (transaction id order)", got, want)
	}
}

// cutAfterPublish is a BatchPublisher that records a batch and then cuts the relay off, like a
// relay process killed after Kafka took the batch and before its position moved.
type cutAfterPublish struct {
	recorder
	cut context.CancelFunc
}

func (c *cutAfterPublish) PublishBatch(ctx context.Context, msgs []envelope.Routed) error {
	err := c.recorder.PublishBatch(ctx, msgs)
	c.cut()
	return err
}

// A relay that dies between its publish and its commit leaves the position where it was: the
// next relay publishes the same batch again (duplicates, never a loss) and then goes on.
func TestRelayCutAfterItsPublishIsRepublishedByTheNext(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	want := writeOutbox(t, db, "task-events", 5)
	ctx, cut := context.WithCancel(context.Background())
	dying := &cutAfterPublish{cut: cut}
	r := newRelay(t, db, dying, nil)
	deadline := time.Now().Add(15 * time.Second)
	for len(dying.uuids()) == 0 && time.Now().Before(deadline) {
		if _, err := r.Round(ctx); err == nil && ctx.Err() != nil {
			t.Fatal("a round cut after its publish reported success")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := dying.uuids(); !equal(got, want) {
		t.Fatalf("the dying relay published %v, want %v", got, want)
	}
	next := &recorder{}
	forward(t, newRelay(t, db, next, nil), 5)
	if got := next.uuids(); !equal(got, want) {
		t.Fatalf("the next relay published %v, want the same batch again %v", got, want)
	}
	if n := outboxRows(t, db); n != 0 {
		t.Errorf("%d rows left after the next relay's round", n)
	}
}

// hungBroker never acknowledges; it returns only when its context ends.
type hungBroker struct{}

func (hungBroker) PublishBatch(ctx context.Context, _ []envelope.Routed) error {
	<-ctx.Done()
	return ctx.Err()
}

// A broker that hangs holds a round, and with it the relay's transaction, only for the publish
// timeout: the round fails and leaves its rows for the next.
func TestRelayGivesUpAPublishAfterItsTimeout(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	writeOutbox(t, db, "task-events", 3)
	r := newRelay(t, db, hungBroker{}, func(c *outbox.RelayConfig) { c.PublishTimeout = 200 * time.Millisecond })
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		start := time.Now()
		n, err := r.Round(context.Background())
		if err == nil {
			if n > 0 {
				t.Fatal("a round whose broker never answered reported success")
			}
			time.Sleep(10 * time.Millisecond) // the rows are not visible yet
			continue
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the round took %s, want about the publish timeout of 200ms", took)
		}
		if rows, _, err := outbox.Backlog(context.Background(), db); err != nil || rows != 3 {
			t.Errorf("backlog after the timed-out round: %d, %v; want the 3 rows kept", rows, err)
		}
		return
	}
	t.Fatal("no round reached the publish")
}
