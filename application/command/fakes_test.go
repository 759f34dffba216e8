package command_test

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

// The fakes of this file stand in for the outbound interfaces of the todo, task, testresult and
// notification use cases. Each keeps what reaches it, so a test can assert on what a use case
// stored, and fails when told to. They keep their rules as the contract suites
// (adapters/contract) say the real stores must, no more.

var errStore = errors.New("store unavailable")

// fakeTodos is a todo.Repository in a map. The to-do use cases tested on it only read and
// delete: the embedded nil Repository makes any other call panic, which fails the test that
// made it.
type fakeTodos struct {
	todo.Repository

	mu   sync.Mutex
	byID map[string]*todo.Todo
	// deletes lists the ids Delete removed, in order.
	deletes []string
	// fail makes every call fail with it.
	fail error
}

func newFakeTodos() *fakeTodos {
	return &fakeTodos{byID: map[string]*todo.Todo{}}
}

func (f *fakeTodos) Get(_ context.Context, userID shared.UserID, id string) (*todo.Todo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	t, ok := f.byID[id]
	if !ok || t.UserID() != userID {
		return nil, shared.NotFound("todo")
	}
	return t, nil
}

func (f *fakeTodos) Delete(_ context.Context, userID shared.UserID, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	t, ok := f.byID[id]
	if !ok || t.UserID() != userID {
		return shared.NotFound("todo")
	}
	delete(f.byID, id)
	f.deletes = append(f.deletes, id)
	return nil
}

// put stores t as it is, bypassing the use cases (a to-do the ingest worker stored before).
func (f *fakeTodos) put(t *todo.Todo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byID[t.ID()] = t
}

// fakeTasks is a task.Repository in a map, with the tombstones of deleted tasks. Its mutex
// stands in for the row lock: Change decides on the stored task under it and stores what decide
// returned before it lets go.
type fakeTasks struct {
	mu      sync.Mutex
	byID    map[string]task.Snapshot
	deleted map[string]bool
	// stored are the changes Add and Change stored, in order, and metas the metadata each came
	// with (what the outbox would have written as events).
	stored []task.Change
	metas  []shared.EventMeta
	// adds and changes count the calls of Add and Change.
	adds, changes int
	// fail makes every call fail with it.
	fail error
}

func newFakeTasks() *fakeTasks {
	return &fakeTasks{byID: map[string]task.Snapshot{}, deleted: map[string]bool{}}
}

// Add stores the created task unless its id was used before, also by a deleted task.
func (f *fakeTasks) Add(_ context.Context, c task.Change, meta shared.EventMeta) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.adds++
	if f.fail != nil {
		return false, f.fail
	}
	if _, ok := f.byID[c.Task.ID]; ok || f.deleted[c.Task.ID] {
		return false, nil
	}
	f.byID[c.Task.ID] = c.Task
	f.stored = append(f.stored, c)
	f.metas = append(f.metas, meta)
	return true, nil
}

func (f *fakeTasks) Get(_ context.Context, userID shared.UserID, id string) (*task.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	snap, ok := f.byID[id]
	if !ok || snap.UserID != string(userID) {
		return nil, shared.NotFound("task")
	}
	return task.Rehydrate(snap)
}

// Change decides on the user's stored task and stores the change decide returns, if any; a
// deletion leaves a tombstone.
func (f *fakeTasks) Change(_ context.Context, userID shared.UserID, id string, meta shared.EventMeta, decide func(*task.Task) (*task.Change, error)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes++
	if f.fail != nil {
		return f.fail
	}
	snap, ok := f.byID[id]
	if !ok || snap.UserID != string(userID) {
		return shared.NotFound("task")
	}
	t, err := task.Rehydrate(snap)
	if err != nil {
		return err
	}
	c, err := decide(t)
	if err != nil || c == nil {
		return err
	}
	f.stored = append(f.stored, *c)
	f.metas = append(f.metas, meta)
	if c.Action == task.ActionDeleted {
		delete(f.byID, id)
		f.deleted[id] = true
		return nil
	}
	f.byID[id] = c.Task
	return nil
}

// put stores t as it is, bypassing the use cases (a task stored before).
func (f *fakeTasks) put(t *task.Task) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byID[t.ID()] = t.Snapshot()
}

// snapshot returns the stored task id and whether there is one.
func (f *fakeTasks) snapshot(id string) (task.Snapshot, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.byID[id]
	return s, ok
}

// fakeAuditLog is a task.AuditLog that keeps the entries it recorded, each event once.
type fakeAuditLog struct {
	mu       sync.Mutex
	recorded []task.AuditEntry
	// calls counts the calls of Record.
	calls int
	// fail makes every call fail with it.
	fail error
}

func (f *fakeAuditLog) Record(_ context.Context, e task.AuditEntry) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return false, f.fail
	}
	for _, r := range f.recorded {
		if r.EventID == e.EventID {
			return false, nil
		}
	}
	f.recorded = append(f.recorded, e)
	return true, nil
}

// eventIDs lists the ids of the recorded events, in order.
func (f *fakeAuditLog) eventIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, len(f.recorded))
	for i, r := range f.recorded {
		ids[i] = r.EventID
	}
	return ids
}

// fakeQuizzes is a testresult.QuizRepository in maps.
type fakeQuizzes struct {
	mu          sync.Mutex
	quizzes     map[string]*testresult.Quiz
	submissions map[string]testresult.SubmissionSnapshot
	// submitted and scored are the metadata each AddSubmission and stored score came with.
	submitted []shared.EventMeta
	scored    []shared.EventMeta
	// scoreCalls counts the calls of Score.
	scoreCalls int
	// fail makes every call fail with it.
	fail error
}

func newFakeQuizzes() *fakeQuizzes {
	return &fakeQuizzes{quizzes: map[string]*testresult.Quiz{}, submissions: map[string]testresult.SubmissionSnapshot{}}
}

func (f *fakeQuizzes) AddQuiz(_ context.Context, q *testresult.Quiz) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return false, f.fail
	}
	if _, ok := f.quizzes[q.ID()]; ok {
		return false, nil
	}
	f.quizzes[q.ID()] = q
	return true, nil
}

func (f *fakeQuizzes) GetQuiz(_ context.Context, id string) (*testresult.Quiz, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	q, ok := f.quizzes[id]
	if !ok {
		return nil, shared.NotFound("test")
	}
	return q, nil
}

// AddSubmission numbers the attempt by the submissions it holds of the same user and quiz.
func (f *fakeQuizzes) AddSubmission(_ context.Context, s *testresult.Submission, admit func(int) error, meta shared.EventMeta) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return false, f.fail
	}
	if _, ok := f.submissions[s.ID()]; ok {
		return false, nil
	}
	n := 1
	for _, other := range f.submissions {
		if other.QuizID == s.QuizID() && other.UserID == string(s.UserID()) {
			n++
		}
	}
	if err := admit(n); err != nil {
		return false, err
	}
	f.submissions[s.ID()] = s.Snapshot()
	f.submitted = append(f.submitted, meta)
	return true, nil
}

func (f *fakeQuizzes) GetSubmission(_ context.Context, user shared.UserID, id string) (*testresult.Submission, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	snap, ok := f.submissions[id]
	if !ok || snap.UserID != string(user) {
		return nil, shared.NotFound("submission")
	}
	return testresult.RehydrateSubmission(snap)
}

// Score decides the targets in order and stores the decisions all together, or none of them
// when decide fails.
func (f *fakeQuizzes) Score(_ context.Context, targets []testresult.ScoreTarget, decide func(*testresult.Quiz, *testresult.Submission) (bool, error)) (int, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scoreCalls++
	if f.fail != nil {
		return 0, nil, f.fail
	}
	var (
		missing []string
		decided []testresult.SubmissionSnapshot
		metas   []shared.EventMeta
	)
	for _, t := range targets {
		snap, ok := f.submissions[t.SubmissionID]
		if !ok {
			missing = append(missing, t.SubmissionID)
			continue
		}
		s, err := testresult.RehydrateSubmission(snap)
		if err != nil {
			return 0, nil, err
		}
		write, err := decide(f.quizzes[s.QuizID()], s)
		if err != nil {
			return 0, nil, err
		}
		if write {
			decided = append(decided, s.Snapshot())
			metas = append(metas, t.Meta)
		}
	}
	for _, snap := range decided {
		f.submissions[snap.ID] = snap
	}
	f.scored = append(f.scored, metas...)
	return len(decided), missing, nil
}

// submission returns the stored submission id, rehydrated.
func (f *fakeQuizzes) submission(id string) *testresult.Submission {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := testresult.RehydrateSubmission(f.submissions[id])
	if err != nil {
		panic(err)
	}
	return s
}

// put stores s as it is, bypassing the use cases (a submission stored before).
func (f *fakeQuizzes) put(s *testresult.Submission) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.submissions[s.ID()] = s.Snapshot()
}

// fakeScoreLog is a testresult.ScoreLog that keeps the events it recorded.
type fakeScoreLog struct {
	recorded []testresult.Scored
}

func (f *fakeScoreLog) Record(_ context.Context, e testresult.Scored) (bool, error) {
	for _, r := range f.recorded {
		if r.SubmissionID == e.SubmissionID {
			return false, nil
		}
	}
	f.recorded = append(f.recorded, e)
	return true, nil
}

// fakeNotifications is a notification.Repository in a map, with the inbox of the messages it
// applied. Its mutex stands in for the row lock.
type fakeNotifications struct {
	mu   sync.Mutex
	seen map[string]bool
	byID map[string]notification.Snapshot
	// changes counts the calls of Change, writes those that stored something.
	changes, writes int
	// beforeChange, when set, changes the stored notification after Change loaded it and
	// before it calls change: another process that got there first.
	beforeChange func(*notification.Notification)
	// markedAllAt are the times MarkAllRead was called with.
	markedAllAt []time.Time
}

func newFakeNotifications() *fakeNotifications {
	return &fakeNotifications{seen: map[string]bool{}, byID: map[string]notification.Snapshot{}}
}

func (f *fakeNotifications) Add(_ context.Context, messageID string, n *notification.Notification) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[messageID] {
		return false, nil
	}
	f.seen[messageID] = true
	if _, ok := f.byID[n.ID()]; ok {
		return false, nil
	}
	f.byID[n.ID()] = n.Snapshot()
	return true, nil
}

func (f *fakeNotifications) Get(_ context.Context, userID shared.UserID, id string) (*notification.Notification, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	snap, ok := f.byID[id]
	if !ok || snap.UserID != string(userID) {
		return nil, shared.NotFound("notification")
	}
	return notification.Rehydrate(snap)
}

func (f *fakeNotifications) Change(_ context.Context, userID shared.UserID, id string, change func(*notification.Notification) (bool, error)) (*notification.Notification, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes++
	snap, ok := f.byID[id]
	if !ok || snap.UserID != string(userID) {
		return nil, shared.NotFound("notification")
	}
	if f.beforeChange != nil {
		other, _ := notification.Rehydrate(snap)
		f.beforeChange(other)
		f.beforeChange = nil
		snap = other.Snapshot()
		f.byID[id] = snap
	}
	n, err := notification.Rehydrate(snap)
	if err != nil {
		return nil, err
	}
	changed, err := change(n)
	if err != nil {
		return nil, err
	}
	if !changed {
		return notification.Rehydrate(snap)
	}
	f.writes++
	f.byID[id] = n.Snapshot()
	return n, nil
}

func (f *fakeNotifications) MarkAllRead(_ context.Context, userID shared.UserID, at time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.markedAllAt = append(f.markedAllAt, at)
	n := 0
	for id, snap := range f.byID {
		if snap.UserID == string(userID) && snap.ReadAt.IsZero() {
			snap.ReadAt = at
			f.byID[id] = snap
			n++
		}
	}
	return n, nil
}

// count reports how many notifications the user has.
func (f *fakeNotifications) count(user shared.UserID) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, snap := range f.byID {
		if snap.UserID == string(user) {
			n++
		}
	}
	return n
}

// only returns the one notification of user, or nil.
func (f *fakeNotifications) only(user shared.UserID) *notification.Notification {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, snap := range f.byID {
		if snap.UserID == string(user) {
			n, _ := notification.Rehydrate(snap)
			return n
		}
	}
	return nil
}

// fakeSenders records what is sent and fails the sends its failures say.
type fakeSenders struct {
	mu        sync.Mutex
	emails    []command.Email
	sms       []command.SMS
	failEmail error
	failSMS   error
}

func (f *fakeSenders) SendEmail(_ context.Context, e command.Email) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failEmail != nil {
		return f.failEmail
	}
	f.emails = append(f.emails, e)
	return nil
}

func (f *fakeSenders) SendSMS(_ context.Context, m command.SMS) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSMS != nil {
		return f.failSMS
	}
	f.sms = append(f.sms, m)
	return nil
}

func (f *fakeSenders) sent() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.emails), len(f.sms)
}

func (f *fakeSenders) set(email, sms error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failEmail, f.failSMS = email, sms
}

// fixedIDs hands out ids in order (then always the same one; the use cases draw a new id also
// when a key names the entity) and records the keys keyed ids were derived from.
type fixedIDs struct {
	next  []string
	keyed []string
}

func (f *fixedIDs) id() string {
	if len(f.next) == 0 {
		return "0193a1e0-0000-7000-8000-0000000000aa"
	}
	id := f.next[0]
	f.next = f.next[1:]
	return id
}

// keyedID derives a stand-in for a name-based UUID: the same user and key, the same id.
func (f *fixedIDs) keyedID(user shared.UserID, key string) string {
	f.keyed = append(f.keyed, string(user)+"|"+key)
	if user == "alice" {
		return "0193a1e0-0000-7000-8000-00000000a11c"
	}
	return "0193a1e0-0000-7000-8000-0000000000b0"
}

func clockAt(t time.Time) command.Clock { return func() time.Time { return t } }

func ptr[T any](v T) *T { return &v }
