package component_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// TestDeadlineRemindersOverKafka runs two `taskstream worker` processes (so two reminder
// schedulers, REMINDER_INTERVAL=200ms, REMINDER_WINDOW=1h), the relay and the API on
// PostgreSQL and Kafka, and creates tasks over HTTP: one due in 30 minutes gets exactly one
// task.due_soon notification, one due an hour ago gets exactly one task.overdue and no
// due_soon (it was overdue at its first look); a completed task (overdue or due soon), a task
// due after the window and one without a due time get none. After ten more rounds of each
// scheduler, the notification.request topic still holds exactly the two requests (each
// reminder was emitted once, not merely stored once: a repeat would carry the same
// notification id), the API lists the same two, and the workers' logs count two emissions.
func TestDeadlineRemindersOverKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["REMINDER_INTERVAL"] = "200ms"
	st.env["REMINDER_WINDOW"] = "1h"
	st.env["LOG_LEVEL"] = "debug" // "worker started" (each worker's scheduler) is a debug line
	topic := st.env["KAFKA_TOPIC_NOTIFICATION_REQUEST"]

	relay, relayBase := st.start(t, "relay")
	worker1, worker1Base := st.start(t, "worker")
	worker2, worker2Base := st.start(t, "worker")
	api, base := st.start(t, "api")
	relay.WaitReady(t, relayBase)
	worker1.WaitReady(t, worker1Base)
	worker2.WaitReady(t, worker2Base)
	api.WaitReady(t, base)

	grace := newClient(t, base, "grace")
	now := time.Now().UTC()
	due := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	create := func(title, dueAt string) string {
		t.Helper()
		body := fmt.Sprintf(`{"title":%q}`, title)
		if dueAt != "" {
			body = fmt.Sprintf(`{"title":%q,"due_at":%q}`, title, dueAt)
		}
		r := grace.expect(http.MethodPost, "/v1/tasks", body, http.StatusCreated)
		id, _ := r.body["id"].(string)
		if id == "" {
			t.Fatalf("created %s", r.raw)
		}
		return id
	}
	// completed creates a task without a due time, completes it and only then gives it
	// dueAt, so no scheduler round ever sees it open with a due time.
	completed := func(title, dueAt string) string {
		t.Helper()
		id := create(title, "")
		grace.expect(http.MethodPost, "/v1/tasks/"+id+"/complete", "", http.StatusOK)
		r := grace.expect(http.MethodPatch, "/v1/tasks/"+id, fmt.Sprintf(`{"due_at":%q}`, dueAt), http.StatusOK)
		if r.body["status"] != "done" || r.body["due_at"] == nil {
			t.Fatalf("completed task %s", r.raw)
		}
		return id
	}
	soon := create("Send the invoice", due(30*time.Minute))
	overdue := create("File the taxes", due(-time.Hour))
	none := map[string]string{
		completed("Done and overdue", due(-time.Hour)):      "a completed overdue task",
		completed("Done and due soon", due(30*time.Minute)): "a completed task due soon",
		create("Later", due(2*time.Hour)):                   "a task due after the window",
		create("Someday", ""):                               "a task without a due time",
	}

	wantListed := func() error {
		ns, err := listNotifications(grace)
		if err != nil {
			return err
		}
		kinds := map[string]string{}
		for _, n := range ns {
			task, _ := n["task_id"].(string)
			typ, _ := n["type"].(string)
			if reason, ok := none[task]; ok {
				return fmt.Errorf("%s got a %s notification", reason, typ)
			}
			kinds[task] = typ
			if d := deliveries(n)["in_app"]; d["status"] != "sent" {
				return fmt.Errorf("notification %v: in_app not sent", n)
			}
		}
		if len(ns) != 2 {
			return fmt.Errorf("%d notifications, want 2: %v", len(ns), ns)
		}
		if kinds[soon] != notification.TypeTaskDueSoon || kinds[overdue] != notification.TypeTaskOverdue {
			return fmt.Errorf("notifications by task %v, want %s: %s and %s: %s", kinds,
				soon, notification.TypeTaskDueSoon, overdue, notification.TypeTaskOverdue)
		}
		return nil
	}
	eventually(t, 30*time.Second, wantListed)

	// Ten more rounds of each scheduler: a second emission, if any, would be in the topic by
	// then (the relay polls every 20ms).
	time.Sleep(2 * time.Second)
	if err := wantListed(); err != nil {
		t.Errorf("after more rounds: %v", err)
	}
	emitted := map[string]int{}
	for _, m := range topicRecords(t, topic) {
		var req notification.Requested
		if header(m, "ce_type") != notification.EventRequested || json.Unmarshal(m.Value, &req) != nil {
			t.Errorf("record %s of %s: type %q", m.Value, topic, header(m, "ce_type"))
			continue
		}
		if req.UserID != "grace" || string(m.Key) != "grace" {
			t.Errorf("reminder %+v keyed %q, want grace's", req, m.Key)
		}
		emitted[req.TaskID+" "+req.Type]++
	}
	want := map[string]int{soon + " " + notification.TypeTaskDueSoon: 1, overdue + " " + notification.TypeTaskOverdue: 1}
	if fmt.Sprint(emitted) != fmt.Sprint(want) {
		t.Errorf("reminders on %s (task kind: count) %v, want %v", topic, emitted, want)
	}

	procs := []*proc.Process{api, worker1, worker2, relay}
	for _, p := range procs {
		p.Stop(t, stopTimeout)
	}
	logged := 0
	for _, w := range []*proc.Process{worker1, worker2} {
		out := w.Output()
		if !strings.Contains(out, "worker=task-reminders") {
			t.Errorf("a worker did not run the reminder scheduler:\n%s", out)
		}
		for _, m := range emittedLog.FindAllStringSubmatch(out, -1) {
			n, _ := strconv.Atoi(m[1])
			logged += n
		}
	}
	t.Logf("emitted %v, logged %d", emitted, logged)
	if logged != 2 {
		t.Errorf("the workers logged %d emitted reminders, want 2", logged)
	}
}

// emittedLog matches the scheduler's report of a round that emitted reminders.
var emittedLog = regexp.MustCompile(`msg="emitted task reminders".* count=(\d+)`)

// topicRecords reads every record of topic written so far: each partition from the oldest
// offset up to its high-water mark at the call.
func topicRecords(t *testing.T, topic string) []*sarama.ConsumerMessage {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	c, err := sarama.NewClient(strings.Split(kafkaBrokers(), ","), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	consumer, err := sarama.NewConsumerFromClient(c)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	parts, err := c.Partitions(topic)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []*sarama.ConsumerMessage
	for _, p := range parts {
		end, err := c.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		start, err := c.GetOffset(topic, p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		if start >= end {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, start)
		if err != nil {
			t.Fatal(err)
		}
		for next := start; next < end; {
			select {
			case m := <-pc.Messages():
				out = append(out, m)
				next = m.Offset + 1
			case <-ctx.Done():
				_ = pc.Close()
				t.Fatalf("read %s partition %d to offset %d of %d", topic, p, next, end)
			}
		}
		_ = pc.Close()
	}
	return out
}
