package crash

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/task"
	httpport "github.com/taskstream/taskstream/ports/http"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

const (
	taskChanges = 10_000 // task changes made over HTTP: creates, updates, completes, reopens
	crashTasks  = 400
	crashUsers  = 40
	clients     = 16
	secret      = "crash-test-secret-of-at-least-32-bytes"
)

// TestRelayAndAuditKilledKeepEveryTaskChange is the proof of the outbox issue: 10,000 task
// changes over HTTP while the relay and the audit worker are each killed with SIGKILL and
// restarted; at the end every change is in Kafka at least once, and in the audit log exactly
// once and in per-task order.
func TestRelayAndAuditKilledKeepEveryTaskChange(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL and Kafka (make services)")
	}
	k := kafkaConfig()
	requireKafka(t, k)
	dbURL, db := pgtest.NewDatabase(t)
	env, topics := taskEnv(t, k, dbURL)

	apiAddr := proc.FreeAddr(t)
	api := proc.Start(t, "api", binary, with(env, "HTTP_ADDR", apiAddr, "MIGRATE_ON_START", "true"), "api")
	api.WaitReady(t, "http://"+apiAddr)
	relay := startPart(t, env, "relay", "relay 1")
	worker := startPart(t, env, "worker", "worker 1")

	var done atomic.Int64
	versions := make([]int64, crashTasks) // the last version of each task, from the API's answers
	ids := make([]string, crashTasks)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() { drive(t, "http://"+apiAddr, c, ids, versions, &done) })
	}
	relay = killAndRestart(t, db, &done, 3_000, relay, env, "relay", "relay 2")
	worker = killAndRestart(t, db, &done, 6_000, worker, env, "worker", "worker 2")
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("%d task changes made over HTTP in %s", done.Load(), since(start))

	waitAudited(t, db, taskChanges, 2*time.Minute)
	checkAudit(t, db, ids, versions)
	checkKafka(t, k, topics.TaskEvents, ids, versions)
	if rows, _, err := outbox.Backlog(context.Background(), db); err != nil || rows != 0 {
		t.Errorf("outbox backlog at the end: %d rows, %v", rows, err)
	}
	for _, p := range []*proc.Process{relay, worker, api} {
		p.Stop(t, shutdownTimeout+5*time.Second)
	}
}

// taskEnv is the processes' environment on fresh topics and groups, removed at the end.
func taskEnv(t *testing.T, k kafka.Config, dbURL string) (map[string]string, config.Topics) {
	t.Helper()
	s := suffix()
	topics := config.Topics{
		TodoCreate: "crash-todo-" + s, TaskEvents: "crash-task-events-" + s, TaskUpdates: "crash-task-updates-" + s,
		Poison: "crash-poison-" + s, NotificationRequest: "crash-notification-" + s, NotificationCreated: "crash-notification-created-" + s,
		TestSubmissions: "crash-submissions-" + s, TestResultsReady: "crash-results-" + s,
	}
	groups := []string{"crash-todo-" + s, "crash-audit-" + s, "crash-notification-" + s, "crash-results-" + s, "crash-analytics-" + s}
	t.Cleanup(func() {
		admin := clusterAdmin(t, k)
		defer func() { _ = admin.Close() }()
		for _, g := range groups {
			_ = admin.DeleteConsumerGroup(g)
		}
		for _, tp := range topics.All() {
			_ = admin.DeleteTopic(tp)
		}
	})
	return map[string]string{
		"DATABASE_URL": dbURL, "KAFKA_BROKERS": k.Brokers[0], "AUTH_JWT_SECRET": secret,
		"KAFKA_TOPIC_TODO_CREATE": topics.TodoCreate, "KAFKA_TOPIC_TASK_EVENTS": topics.TaskEvents,
		"KAFKA_TOPIC_TASK_UPDATES": topics.TaskUpdates, "KAFKA_TOPIC_POISON": topics.Poison,
		"KAFKA_TOPIC_PARTITIONS": strconv.Itoa(partitions), "KAFKA_CONSUMER_GROUP_TODO": groups[0],
		"KAFKA_CONSUMER_GROUP_AUDIT": groups[1], "KAFKA_CONSUMER_GROUP_NOTIFICATION": groups[2],
		"KAFKA_CONSUMER_GROUP_RESULTS": groups[3], "KAFKA_CONSUMER_GROUP_ANALYTICS": groups[4],
		"KAFKA_TOPIC_NOTIFICATION_REQUEST": topics.NotificationRequest, "KAFKA_TOPIC_TEST_SUBMISSIONS": topics.TestSubmissions,
		"KAFKA_TOPIC_TEST_RESULTS_READY": topics.TestResultsReady, "KAFKA_TOPIC_NOTIFICATION_CREATED": topics.NotificationCreated,
		"SHUTDOWN_TIMEOUT": shutdownTimeout.String(), "LOG_LEVEL": "warn",
	}, topics
}

func with(env map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(env)+len(kv)/2)
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// startPart starts `taskstream <part>` on a free address of its own (it serves /metrics).
func startPart(t *testing.T, env map[string]string, part, name string) *proc.Process {
	t.Helper()
	addr := proc.FreeAddr(t)
	p := proc.Start(t, name, binary, with(env, "HTTP_ADDR", addr), part)
	p.WaitReady(t, "http://"+addr)
	return p
}

// killAndRestart waits until at least after changes were made, kills p with SIGKILL while work
// is in flight, and starts it again.
func killAndRestart(t *testing.T, db *sql.DB, done *atomic.Int64, after int64, p *proc.Process, env map[string]string, part, name string) *proc.Process {
	t.Helper()
	for done.Load() < after && !t.Failed() {
		time.Sleep(5 * time.Millisecond)
	}
	backlog, _, err := outbox.Backlog(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	p.Kill9(t)
	t.Logf("killed %s with SIGKILL after %d changes; outbox backlog %d rows, %d audited", p.Name, done.Load(), backlog,
		count(t, db, "SELECT count(*) FROM task_audit"))
	return startPart(t, env, part, name)
}

// drive makes client c's share of the changes: it owns the tasks i with i % clients == c,
// creates each, then changes them in turn (rename, complete, reopen) until its share is made.
func drive(t *testing.T, base string, c int, ids []string, versions []int64, done *atomic.Int64) {
	var mine []int
	for i := c; i < crashTasks; i += clients {
		mine = append(mine, i)
	}
	share := taskChanges / clients
	if c < taskChanges%clients {
		share++
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	for n := 0; n < share && !t.Failed(); n++ {
		i := mine[n%len(mine)]
		user := fmt.Sprintf("crash-task-user-%02d", i%crashUsers)
		var method, path, body string
		switch round := n / len(mine); {
		case round == 0:
			method, path, body = http.MethodPost, "/v1/tasks", fmt.Sprintf(`{"title":"task %d","priority":"high"}`, i)
		case round%3 == 1:
			method, path, body = http.MethodPatch, "/v1/tasks/"+ids[i], fmt.Sprintf(`{"title":"task %d round %d"}`, i, round)
		case round%3 == 2:
			method, path = http.MethodPost, "/v1/tasks/"+ids[i]+"/complete"
		default:
			method, path = http.MethodPost, "/v1/tasks/"+ids[i]+"/reopen"
		}
		var got struct {
			ID      string `json:"id"`
			Version int64  `json:"version"`
		}
		if err := call(hc, method, base+path, user, body, &got); err != nil {
			t.Errorf("client %d change %d (%s %s): %v", c, n, method, path, err)
			return
		}
		ids[i], versions[i] = got.ID, got.Version
		done.Add(1)
	}
}

func call(hc *http.Client, method, url, user, body string, out any) error {
	tok, err := httpport.IssueHS256Token([]byte(secret), user, time.Hour)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		if method == http.MethodPatch {
			req.Header.Set("Content-Type", "application/merge-patch+json")
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

// waitAudited waits until want changes are in the audit log, saying every 5s how far the relay
// and the audit worker are.
func waitAudited(t *testing.T, db *sql.DB, want int, timeout time.Duration) {
	t.Helper()
	start := time.Now()
	lastLog := start
	for {
		n := count(t, db, "SELECT count(*) FROM task_audit")
		if n >= want {
			t.Logf("all %d changes audited %s after the last change", n, since(start))
			return
		}
		if time.Since(lastLog) > 5*time.Second {
			lastLog = time.Now()
			backlog, _, _ := outbox.Backlog(context.Background(), db)
			t.Logf("after %s: %d audited, outbox backlog %d rows", since(start), n, backlog)
		}
		if time.Since(start) > timeout {
			t.Fatalf("%d of %d changes audited after %s", n, want, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkAudit checks the audit log: for every task exactly the versions 1..last, once each,
// recorded in version order.
func checkAudit(t *testing.T, db *sql.DB, ids []string, versions []int64) {
	t.Helper()
	rows, err := db.Query(`SELECT task_id::text, version FROM task_audit ORDER BY task_id, recorded_at, version`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	got := map[string][]int64{}
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		got[id] = append(got[id], v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var bad []string
	for i, id := range ids {
		if !sequence(got[id], versions[i]) {
			bad = append(bad, fmt.Sprintf("%s: %v, want 1..%d", id, got[id], versions[i]))
		}
	}
	if len(got) != len(ids) {
		bad = append(bad, fmt.Sprintf("%d tasks in the audit log, want %d", len(got), len(ids)))
	}
	report(t, "tasks whose audit log is not exactly 1..last in order", bad)
}

func sequence(vs []int64, last int64) bool {
	if int64(len(vs)) != last {
		return false
	}
	for i, v := range vs {
		if v != int64(i+1) {
			return false
		}
	}
	return true
}

// checkKafka reads the whole task-events topic and checks that every change is there at least
// once, and that per task the first copies of the versions come in version order (a relay that
// died mid-batch publishes the batch again: later copies repeat earlier ones).
func checkKafka(t *testing.T, k kafka.Config, topic string, ids []string, versions []int64) {
	t.Helper()
	seen := map[string][]int64{} // task id -> versions in first-seen order
	first := map[string]bool{}
	copies := 0
	for _, r := range readTopic(t, k, topic) {
		var ev task.Recorded
		if err := json.Unmarshal(r.Value, &ev); err != nil {
			t.Fatalf("record at %d/%d is not a task event: %v", r.Partition, r.Offset, err)
		}
		key := ev.Task.ID + "/" + strconv.FormatInt(ev.Task.Version, 10)
		copies++
		if first[key] {
			continue
		}
		first[key] = true
		seen[ev.Task.ID] = append(seen[ev.Task.ID], ev.Task.Version)
	}
	t.Logf("Kafka holds %d task events for %d changes: %d duplicates from the restarts", copies, taskChanges, copies-len(first))
	var bad []string
	for i, id := range ids {
		if !sequence(seen[id], versions[i]) {
			bad = append(bad, fmt.Sprintf("%s: %v, want 1..%d", id, seen[id], versions[i]))
		}
	}
	report(t, "tasks whose events are missing from Kafka or out of order", bad)
}

// readTopic returns every record of topic up to its end, partition by partition.
func readTopic(t *testing.T, k kafka.Config, topic string) []*sarama.ConsumerMessage {
	t.Helper()
	client, err := sarama.NewClient(k.Brokers, sarama.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	parts, err := client.Partitions(topic)
	if err != nil {
		t.Fatal(err)
	}
	var out []*sarama.ConsumerMessage
	for _, p := range parts {
		end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		if end == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		for m := range pc.Messages() {
			out = append(out, m)
			if m.Offset >= end-1 {
				break
			}
		}
		_ = pc.Close()
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Partition < out[j].Partition })
	return out
}
