package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// SubmitTest stores a user's answers to a test, pending, with its submitted event; the result
// calculator scores it in the background.
type SubmitTest struct {
	UserID  shared.UserID
	TestID  string
	Answers map[string][]string
	// IdempotencyKey, when set, names the submission: a retry with the same key returns the
	// submission the first attempt stored, and stores nothing.
	IdempotencyKey string
	Meta           shared.EventMeta
}

// Submitted is the submission and whether this call stored it (false for a retried key).
type Submitted struct {
	Submission *testresult.Submission
	Created    bool
}

// SubmitTestHandler handles SubmitTest.
type SubmitTestHandler decorator.Handler[SubmitTest, Submitted]

type submitTestHandler struct {
	store testresult.Repository
	ids   IDs
	keyed KeyedIDs
	now   Clock
}

// NewSubmitTestHandler returns the SubmitTest use case. It panics on a nil dependency.
func NewSubmitTestHandler(store testresult.Repository, ids IDs, keyed KeyedIDs, now Clock) decorator.Handler[SubmitTest, Submitted] {
	if store == nil || ids == nil || keyed == nil || now == nil {
		panic("command: nil dependency for SubmitTest")
	}
	return submitTestHandler{store: store, ids: ids, keyed: keyed, now: now}
}

func (h submitTestHandler) Handle(ctx context.Context, cmd SubmitTest) (Submitted, error) {
	t, err := h.store.GetTest(ctx, cmd.TestID)
	if err != nil {
		return Submitted{}, err
	}
	id := h.ids()
	if cmd.IdempotencyKey != "" {
		id = h.keyed(cmd.UserID, "submission\x00"+cmd.IdempotencyKey)
	}
	s, err := testresult.NewSubmission(id, t, cmd.UserID, cmd.Answers, h.now())
	if err != nil {
		return Submitted{}, err
	}
	created, err := h.store.AddSubmission(ctx, s, cmd.Meta)
	if err != nil || created {
		return Submitted{Submission: s, Created: created}, err
	}
	existing, err := h.store.GetSubmission(ctx, cmd.UserID, id)
	if err == nil && existing.TestID != cmd.TestID {
		return Submitted{}, shared.Conflict("this idempotency key was used for a submission to test %s", existing.TestID)
	}
	return Submitted{Submission: existing}, err
}
