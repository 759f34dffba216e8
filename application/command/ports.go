package command

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

// TodoEvents publishes the to-do context's events. Implementations return only after the broker
// has acknowledged the event durably (for Kafka: all in-sync replicas).
type TodoEvents interface {
	CreateRequested(ctx context.Context, t *todo.Todo, meta EventMeta) error
}

// EventMeta is what every event carries besides its payload: the request's correlation id and
// W3C trace context, so one request can be followed through the broker and the consumers.
type EventMeta struct {
	CorrelationID string
	TraceParent   string
}

// Clock tells the time; tests pass a fixed one.
type Clock func() time.Time

// IDs makes new entity ids (UUIDv7, so ids sort by creation time).
type IDs func() string

// KeyedIDs derives the id of the entity a client's idempotency key names: the same user and key
// always give the same id, different users never share one. A retried request thereby names the
// entity of its first attempt, and consumers that store by id apply it once.
type KeyedIDs func(user shared.UserID, key string) string

// TaskStore keeps tasks. It writes a task and the events of its change in one transaction (the
// transactional outbox), so a stored change is never without its events and no event is
// published for a change that was not stored. Implementations are safe for concurrent use; a
// user only ever sees their own tasks (another user's task is not found).
type TaskStore interface {
	// Add stores a created task and its events. It reports false, writing nothing, when a task
	// with that id exists already (a retried create with the same idempotency key).
	Add(ctx context.Context, c task.Change, meta EventMeta) (bool, error)
	// Get returns the user's task, or a shared.KindNotFound error.
	Get(ctx context.Context, userID shared.UserID, id string) (*task.Task, error)
	// Change loads the user's task holding a lock, and calls decide with it. When decide returns
	// a change, Change stores it (deletes the task for ActionDeleted) with its events before the
	// lock is released; nil means there is nothing to write.
	Change(ctx context.Context, userID shared.UserID, id string, meta EventMeta, decide func(*task.Task) (*task.Change, error)) error
}

// AuditLog appends to the tasks' history. Implementations apply each event once (an inbox of
// processed event ids in the same transaction as the entry).
type AuditLog interface {
	// Record appends the entry; it reports false, writing nothing, when the entry's event was
	// recorded before.
	Record(ctx context.Context, e task.AuditEntry) (bool, error)
}

// Email is one email to send. MessageID is stable per notification and channel, so a receiver
// that deduplicates on Message-ID drops a resend after a crash between send and record.
type Email struct {
	To        string
	Subject   string
	Body      string
	MessageID string
}

// EmailSender sends email (adapters/notify: SMTP). An error of kind invalid means the email can
// never be sent (a refused address); any other error may pass on a retry.
type EmailSender interface {
	SendEmail(ctx context.Context, e Email) error
}

// SMS is one text message to send. ID is stable per notification, sent as the gateway's
// idempotency key.
type SMS struct {
	To   string
	Body string
	ID   string
}

// SMSSender sends text messages (adapters/notify: an HTTP gateway). Errors as EmailSender's.
type SMSSender interface {
	SendSMS(ctx context.Context, m SMS) error
}

// TestStore keeps tests and their submissions. It writes a submission and its submitted event
// in one transaction, and a scored submission and its scored event in one transaction (the
// transactional outbox). Implementations are safe for concurrent use.
type TestStore interface {
	// AddTest stores a test. It reports false, writing nothing, when a test with that id
	// exists (a retried create with the same idempotency key).
	AddTest(ctx context.Context, t *testresult.Test) (bool, error)
	// GetTest returns the test, or a shared.KindNotFound error.
	GetTest(ctx context.Context, id string) (*testresult.Test, error)
	// AddSubmission stores a pending submission and its submitted event. It reports false,
	// writing nothing, when a submission with that id exists.
	AddSubmission(ctx context.Context, s *testresult.Submission, meta EventMeta) (bool, error)
	// GetSubmission returns the user's submission, or a shared.KindNotFound error.
	GetSubmission(ctx context.Context, user shared.UserID, id string) (*testresult.Submission, error)
	// Score loads the submissions of targets holding their locks, and their tests, in one
	// transaction, and calls decide for each. It stores every submission decide reports true
	// for as decide left it (scored or failed), with the scored event of each scored one, and
	// commits. It returns how many it stored and the ids of targets that name no stored
	// submission. decide's errors are returned, and nothing is written. The locks make
	// deliveries of the same submission's event take turns, so decide sees the outcome of the
	// one before.
	Score(ctx context.Context, targets []ScoreTarget, decide func(*testresult.Test, *testresult.Submission) (bool, error)) (stored int, missing []string, err error)
}

// ScoreTarget is a submission to score and the event metadata its scored event carries on.
type ScoreTarget struct {
	SubmissionID string
	Meta         EventMeta
}

// TestScores keeps the scores of each test for its statistics (the analytics consumer group).
type TestScores interface {
	// Record stores the score of a scored submission once; it reports false, writing nothing,
	// when the submission was recorded before (by this event or another).
	Record(ctx context.Context, e testresult.Scored) (bool, error)
}
