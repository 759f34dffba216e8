package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

// taskMeta is the event metadata of the changes these tests make.
var taskMeta = shared.EventMeta{CorrelationID: "corr-outbox-test", TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}

func newTestTaskStore(t *testing.T, conn *sql.DB, cfg postgres.TaskStoreConfig) *postgres.TaskStore {
	t.Helper()
	store, err := postgres.NewTaskStore(conn, cfg)
	if err != nil {
		t.Fatalf("NewTaskStore: %v", err)
	}
	return store
}

// addTestTask stores a new task of user, due in a day at a time with nanoseconds (the store
// keeps microseconds, in the row and in the events alike).
func addTestTask(t *testing.T, store *postgres.TaskStore, user shared.UserID, title string) *task.Task {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	tk, err := task.New(uuid.NewString(), user, title, "", task.PriorityHigh, now.Add(24*time.Hour+123*time.Nanosecond), now)
	if err != nil {
		t.Fatal(err)
	}
	added, err := store.Add(context.Background(), task.NewChange(task.ActionCreated, tk), taskMeta)
	if err != nil || !added {
		t.Fatalf("Add = %v, %v; want true, nil", added, err)
	}
	return tk
}

// rename returns a decide function that renames the task.
func rename(title string) func(*task.Task) (*task.Change, error) {
	return func(tk *task.Task) (*task.Change, error) {
		if err := tk.Rename(title); err != nil {
			return nil, err
		}
		if !tk.Touch(time.Now().UTC()) {
			return nil, nil
		}
		c := task.NewChange(task.ActionUpdated, tk)
		return &c, nil
	}
}

// tableMessage is a row of a watermill-sql messages table.
type tableMessage struct {
	Offset   int64
	UUID     string
	Payload  []byte
	Metadata message.Metadata
}

// tableMessages returns the rows of the messages table of topic in the order watermill-sql
// reads them: by transaction id, then offset.
func tableMessages(t *testing.T, conn *sql.DB, topic string) []tableMessage {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(),
		`SELECT "offset", uuid, payload, metadata FROM "watermill_`+topic+`" ORDER BY transaction_id, "offset"`)
	if err != nil {
		t.Fatalf("read watermill_%s: %v", topic, err)
	}
	defer func() { _ = rows.Close() }()
	var out []tableMessage
	for rows.Next() {
		var (
			m        tableMessage
			metadata []byte
		)
		if err := rows.Scan(&m.Offset, &m.UUID, &m.Payload, &metadata); err != nil {
			t.Fatal(err)
		}
		if len(metadata) > 0 {
			if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
				t.Fatalf("metadata of %s: %v", m.UUID, err)
			}
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// forwarderEnvelope is the JSON the Forwarder's publisher wraps a message in
// (watermill/components/forwarder/envelope.go).
type forwarderEnvelope struct {
	DestinationTopic string            `json:"destination_topic"`
	UUID             string            `json:"uuid"`
	Payload          []byte            `json:"payload"`
	Metadata         map[string]string `json:"metadata"`
}

// outboxEnvelopes returns the envelopes in watermill_outbox in the order a relay reads them.
func outboxEnvelopes(t *testing.T, conn *sql.DB) []forwarderEnvelope {
	t.Helper()
	var out []forwarderEnvelope
	for _, m := range tableMessages(t, conn, "outbox") {
		var e forwarderEnvelope
		if err := json.Unmarshal(m.Payload, &e); err != nil {
			t.Fatalf("outbox row %d is not a Forwarder envelope: %v", m.Offset, err)
		}
		out = append(out, e)
	}
	return out
}

// decodedEvent is a task event taken out of its message.
type decodedEvent struct {
	Topic    string
	Recorded task.Recorded // on the events topic
	Changed  task.Changed  // on the updates topic
}

// decodeTaskEvent decodes the payload of a message on topic, which must be one of the task
// topics, with the consumers' strict decoder.
func decodeTaskEvent(t *testing.T, topic string, msg *message.Message) decodedEvent {
	t.Helper()
	e := decodedEvent{Topic: topic}
	var err error
	switch topic {
	case "task-events":
		err = envelope.Decode(msg, task.EventRecorded, task.EventRecordedVersion, &e.Recorded)
	case "task-updates":
		err = envelope.Decode(msg, task.EventChanged, task.EventChangedVersion, &e.Changed)
	default:
		t.Fatalf("message %s is for topic %q, not a task topic", msg.UUID, topic)
	}
	if err != nil {
		t.Fatalf("message %s on %s: %v", msg.UUID, topic, err)
	}
	if got := msg.Metadata.Get(envelope.KeyID); got != msg.UUID {
		t.Errorf("message %s has ce_id %q", msg.UUID, got)
	}
	return e
}

func (e forwarderEnvelope) message() *message.Message {
	m := message.NewMessage(e.UUID, e.Payload)
	m.Metadata = e.Metadata
	return m
}

// directSubscriber is a watermill-sql subscriber in group on the topic tables of conn, as the
// postgres broker reads them (BROKER=postgres); it is closed at the end of the test.
func directSubscriber(t *testing.T, conn *sql.DB, group string) *wsql.Subscriber {
	t.Helper()
	sub, err := wsql.NewSubscriber(wsql.BeginnerFromStdSQL(conn), wsql.SubscriberConfig{
		ConsumerGroup:    group,
		SchemaAdapter:    wsql.DefaultPostgreSQLSchema{},
		OffsetsAdapter:   wsql.DefaultPostgreSQLOffsetsAdapter{},
		PollInterval:     50 * time.Millisecond,
		InitializeSchema: true, // as the broker does when it starts
	}, watermill.NopLogger{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	return sub
}
