// Package crash runs the real binary against the real PostgreSQL and Kafka (`make services`)
// and kills its parts with SIGKILL in the middle of their work, to show that nothing is lost
// or applied twice:
//
//   - the to-do worker, killed twice while it stores 100,000 accepted to-dos: every accepted
//     to-do is in the table exactly once, and a full replay of the topic changes nothing;
//   - the outbox relay and the audit worker, each killed once during 10,000 task changes made
//     over HTTP: every change is in Kafka at least once, and in the audit log exactly once and
//     in per-task order.
package crash

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

const (
	total      = 100_000 // accepted to-dos
	partitions = 4
	batchSize  = 2000 // TODO_BATCH_MAX_RECORDS: many batches, so a kill lands between them
	// shutdownTimeout is the worker's SHUTDOWN_TIMEOUT; SIGTERM must end it with status 0 in time.
	shutdownTimeout = 10 * time.Second
)

// binary is the taskstream binary TestMain builds.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "taskstream-crash-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary, err = proc.Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// TestWorkerKilledMidIngestStoresEveryTodoOnce is the proof of issue 2: a crash of the worker in
// the middle of a 100,000-to-do ingest (kill -9, then restart) ends with every accepted to-do in
// the table exactly once. It kills the worker twice, checks the table after the restart, then
// replays the whole topic and checks it again.
func TestWorkerKilledMidIngestStoresEveryTodoOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL and Kafka (make services)")
	}
	k := kafkaConfig()
	requireKafka(t, k)
	dbURL, db := pgtest.NewDatabase(t)
	// No autovacuum on the table: its worker would keep pgtest's DROP DATABASE ... WITH (FORCE)
	// from ending it (that needs pg_signal_backend) and fail the cleanup.
	if _, err := db.Exec("ALTER TABLE todos SET (autovacuum_enabled = false)"); err != nil {
		t.Fatal(err)
	}

	topic, group := "crash-todo-create-"+suffix(), "crash-todo-"+suffix()
	createTopic(t, k, topic, group)
	start := time.Now()
	accepted := publish(t, k, topic)
	t.Logf("published %d create events to %s (acks=all) in %s", len(accepted), topic, since(start))

	env := map[string]string{
		"KAFKA_BROKERS":             strings.Join(k.Brokers, ","),
		"DATABASE_URL":              dbURL,
		"HTTP_ADDR":                 "127.0.0.1:0", // the worker's probes and metrics, on any free port
		"KAFKA_TOPIC_TODO_CREATE":   topic,
		"KAFKA_TOPIC_POISON":        topic + "-poison",
		"KAFKA_CONSUMER_GROUP_TODO": group,
		"TODO_BATCH_MAX_RECORDS":    strconv.Itoa(batchSize),
		"SHUTDOWN_TIMEOUT":          shutdownTimeout.String(),
	}

	// First crash at a fifth of the rows, the second a third of the way through the rest.
	w := startWorker(t, env, "1")
	stored := w.killAt(t, db, total/5)
	logCommitted(t, k, topic, group, stored)
	w = startWorker(t, env, "2")
	stored = w.killAt(t, db, stored+(total-stored)/3)
	logCommitted(t, k, topic, group, stored)

	w = startWorker(t, env, "3")
	w.waitFor(t, db, total, 120*time.Second)
	t.Logf("all %d rows stored %s after the start", total, since(start))
	checkExactlyOnce(t, db, accepted)
	w.terminate(t)
	checkAllCommitted(t, k, topic, group)

	// Whether a kill replays stored rows depends on where it lands; a full replay of the topic
	// (the group deleted, so it starts from the oldest offset again) always does, and must store
	// nothing new.
	deleteGroup(t, k, group)
	w = startWorker(t, env, "4-replay")
	waitCommitted(t, k, topic, group, 60*time.Second)
	t.Logf("replayed the whole topic %s after the start", since(start))
	checkExactlyOnce(t, db, accepted)
	w.terminate(t)
}

// row is what the table must hold for one accepted to-do.
type row struct{ userID, title, description string }

func kafkaConfig() kafka.Config {
	brokers := os.Getenv("KAFKA_BROKERS")
	if brokers == "" {
		brokers = "127.0.0.1:9092"
	}
	return kafka.Config{Brokers: strings.Split(brokers, ","), ClientID: "taskstream-crash-test", SecurityProtocol: "PLAINTEXT"}
}

func requireKafka(t *testing.T, k kafka.Config) {
	t.Helper()
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	sc.Net.DialTimeout = 3 * time.Second
	sc.Metadata.Retry.Max = 0
	client, err := sarama.NewClient(k.Brokers, sc)
	if err != nil {
		t.Fatalf("Kafka is not reachable at %v; start it with `make services` (or set KAFKA_BROKERS): %v", k.Brokers, err)
	}
	_ = client.Close()
}

func createTopic(t *testing.T, k kafka.Config, topic, group string) {
	t.Helper()
	admin := clusterAdmin(t, k)
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1}, false); err != nil {
		_ = admin.Close()
		t.Fatalf("create topic %s: %v", topic, err)
	}
	t.Cleanup(func() {
		_ = admin.DeleteConsumerGroup(group)
		_ = admin.DeleteTopic(topic)
		_ = admin.DeleteTopic(topic + "-poison")
		_ = admin.Close()
	})
}

// publish produces total valid create events with the service's durable producer settings
// (acks from all in-sync replicas, idempotent) and returns the accepted to-dos by id: those the
// broker acknowledged.
func publish(t *testing.T, k kafka.Config, topic string) map[string]row {
	t.Helper()
	sc, err := kafka.ProducerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	sc.Producer.Flush.Frequency = 5 * time.Millisecond
	p, err := sarama.NewAsyncProducer(k.Brokers, sc)
	if err != nil {
		t.Fatalf("producer: %v", err)
	}
	accepted := make(map[string]row, total)
	var mu sync.Mutex
	var failures []error
	var wg sync.WaitGroup
	wg.Go(func() {
		for m := range p.Successes() {
			r := m.Metadata.(rowWithID)
			mu.Lock()
			accepted[r.id] = r.row
			mu.Unlock()
		}
	})
	wg.Go(func() {
		for e := range p.Errors() {
			mu.Lock()
			failures = append(failures, e)
			mu.Unlock()
		}
	})
	marshaler := wmkafka.NewWithPartitioningMarshaler(envelope.PartitionKey)
	now := time.Now().UTC()
	for i := range total {
		td := newTodo(t, i, now)
		msg, err := envelope.New(envelope.Event{
			Type: todo.EventCreateRequested, SchemaVersion: todo.EventCreateRequestedVersion,
			UserID: string(td.UserID()), Time: td.CreatedAt(), Payload: td.CreateRequestedEvent(),
		})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := marshaler.Marshal(topic, msg)
		if err != nil {
			t.Fatal(err)
		}
		rec.Metadata = rowWithID{id: td.ID(), row: row{string(td.UserID()), td.Title(), td.Description()}}
		p.Input() <- rec
	}
	p.AsyncClose()
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d events not acknowledged, first: %v", len(failures), total, failures[0])
	}
	if len(accepted) != total {
		t.Fatalf("the broker acknowledged %d distinct events, want %d", len(accepted), total)
	}
	return accepted
}

type rowWithID struct {
	id string
	row
}

var (
	titles       = []string{"Renew the passport", "Book a dentist appointment", "Review pull request #%d", "Pay the electricity bill", "Plan the team offsite"}
	descriptions = []string{"", "Bring the reference number.", "Compare at least three offers before deciding.\nAsk about delivery."}
)

// newTodo returns the i-th to-do of the test: 1,000 users, a known UUIDv7 id.
func newTodo(t *testing.T, i int, now time.Time) *todo.Todo {
	title := titles[i%len(titles)]
	if strings.Contains(title, "%d") {
		title = fmt.Sprintf(title, i)
	}
	td, err := todo.New(uuid.Must(uuid.NewV7()).String(), userID(i), title, descriptions[i%len(descriptions)], now.Add(time.Duration(i)*time.Microsecond))
	if err != nil {
		t.Fatalf("to-do %d: %v", i, err)
	}
	return td
}

func userID(i int) shared.UserID { return shared.UserID(fmt.Sprintf("crash-user-%03d", i%1000)) }

// worker is one run of `taskstream worker`, its output in a log file.
// worker is a `taskstream worker` process of the test (tests/internal/proc keeps its output).
type worker struct{ *proc.Process }

func startWorker(t *testing.T, env map[string]string, run string) *worker {
	t.Helper()
	return &worker{proc.Start(t, "worker run "+run, binary, env, "worker")}
}

// waitFor polls the row count until it reaches at least want and returns it. The worker ending
// on its own, or the timeout, fails the test.
func (w *worker) waitFor(t *testing.T, db *sql.DB, want int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	n := 0
	for time.Now().Before(deadline) {
		if !w.Running() {
			t.Fatalf("%s ended on its own with %d rows stored", w.Name, n)
		}
		n = count(t, db, "SELECT count(*) FROM todos")
		if n >= want {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: %d rows stored after %s, want %d", w.Name, n, timeout, want)
	return n
}

// killAt waits until at least want rows are stored, kills the worker with SIGKILL and checks
// that it really died mid-ingest: some rows stored, not all.
func (w *worker) killAt(t *testing.T, db *sql.DB, want int) int {
	t.Helper()
	seen := w.waitFor(t, db, want, 60*time.Second)
	w.Kill9(t)
	n := count(t, db, "SELECT count(*) FROM todos")
	if n <= 0 || n >= total {
		t.Fatalf("%s killed with %d of %d rows stored: the kill was not mid-ingest", w.Name, n, total)
	}
	t.Logf("killed %s with SIGKILL at %d rows (saw %d just before)", w.Name, n, seen)
	return n
}

// terminate stops the worker with SIGTERM and checks it exits with status 0 within its
// shutdown timeout.
func (w *worker) terminate(t *testing.T) {
	t.Helper()
	start := time.Now()
	w.Stop(t, shutdownTimeout+5*time.Second)
	t.Logf("%s exited %s after SIGTERM", w.Name, since(start))
}

// checkExactlyOnce compares the table with the accepted to-dos: every one present, with its
// owner and text, and nothing else. The primary key already forbids a second row per id, so
// what a crash could break, and what this checks, is that nothing accepted is missing, nothing
// unaccepted appears, and no replay rewrote a row with other data.
func checkExactlyOnce(t *testing.T, db *sql.DB, accepted map[string]row) {
	t.Helper()
	if n := count(t, db, "SELECT count(*) FROM todos"); n != total {
		t.Errorf("count(*) = %d, want %d", n, total)
	}
	rows, err := db.Query("SELECT id, user_id, title, description FROM todos")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	seen := make(map[string]bool, total)
	var unexpected, wrong, twice []string
	for rows.Next() {
		var id string
		var r row
		if err := rows.Scan(&id, &r.userID, &r.title, &r.description); err != nil {
			t.Fatal(err)
		}
		want, ok := accepted[id]
		switch {
		case !ok:
			unexpected = append(unexpected, id)
		case seen[id]:
			twice = append(twice, id)
		case r != want:
			wrong = append(wrong, fmt.Sprintf("%s: %+v, want %+v", id, r, want))
		}
		seen[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for id := range accepted {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	report(t, "accepted to-dos missing from the table", missing)
	report(t, "rows that were never accepted", unexpected)
	report(t, "to-dos stored more than once", twice)
	report(t, "rows whose content differs from the accepted to-do", wrong)
}

func report(t *testing.T, what string, items []string) {
	t.Helper()
	if len(items) > 0 {
		t.Errorf("%d %s, e.g. %v", len(items), what, items[:min(len(items), 5)])
	}
}

func count(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// committedOffsets returns the sum over the topic's partitions of the group's committed offsets
// and of the end offsets.
func committedOffsets(t *testing.T, k kafka.Config, topic, group string) (committed, end int64) {
	t.Helper()
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	client, err := sarama.NewClient(k.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	parts := make([]int32, partitions)
	for i := range parts {
		parts[i] = int32(i)
	}
	offsets, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: parts})
	if err != nil {
		t.Fatalf("consumer group offsets: %v", err)
	}
	for _, p := range parts {
		if b := offsets.GetBlock(topic, p); b != nil && b.Offset > 0 {
			committed += b.Offset
		}
		e, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		end += e
	}
	return committed, end
}

// logCommitted says how much of the stored work the killed worker had committed to Kafka: the
// rest is replayed by the next run and must be skipped as duplicates.
func logCommitted(t *testing.T, k kafka.Config, topic, group string, stored int) {
	t.Helper()
	committed, _ := committedOffsets(t, k, topic, group)
	t.Logf("at the kill: %d rows stored, %d records committed: the restart replays at least %d stored rows", stored, committed, int64(stored)-committed)
	if committed > int64(stored) {
		t.Errorf("%d records committed but only %d rows stored: offsets were committed before the database", committed, stored)
	}
}

// checkAllCommitted checks that after a clean shutdown the group has committed the whole topic,
// so nothing would be replayed.
func checkAllCommitted(t *testing.T, k kafka.Config, topic, group string) {
	t.Helper()
	committed, end := committedOffsets(t, k, topic, group)
	if committed != end {
		t.Errorf("after the clean shutdown the group committed %d of %d records", committed, end)
	}
}

// clusterAdmin connects an admin client; the caller closes it.
func clusterAdmin(t *testing.T, k kafka.Config) sarama.ClusterAdmin {
	t.Helper()
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sarama.NewClusterAdmin(k.Brokers, sc)
	if err != nil {
		t.Fatalf("kafka admin: %v", err)
	}
	return admin
}

func deleteGroup(t *testing.T, k kafka.Config, group string) {
	t.Helper()
	admin := clusterAdmin(t, k)
	defer func() { _ = admin.Close() }()
	if err := admin.DeleteConsumerGroup(group); err != nil {
		t.Fatalf("delete consumer group %s: %v", group, err)
	}
}

// waitCommitted waits until the group has committed every record of the topic.
func waitCommitted(t *testing.T, k kafka.Config, topic, group string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		committed, end := committedOffsets(t, k, topic, group)
		if committed == end {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the group committed %d of %d records in %s", committed, end, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func suffix() string { return strings.ReplaceAll(uuid.NewString()[:13], "-", "") }

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }
