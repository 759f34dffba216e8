package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// CreateTest creates a test owned by the caller.
type CreateTest struct {
	UserID    shared.UserID
	Title     string
	Questions []testresult.Question
	// IdempotencyKey, when set, names the test: a retry with the same key returns the test the
	// first attempt created, and creates nothing.
	IdempotencyKey string
}

// CreatedTest is the test and whether this call created it (false for a retried key).
type CreatedTest struct {
	Test    *testresult.Test
	Created bool
}

// CreateTestHandler handles CreateTest.
type CreateTestHandler decorator.Handler[CreateTest, CreatedTest]

type createTestHandler struct {
	store testresult.Repository
	ids   IDs
	keyed KeyedIDs
	now   Clock
}

// NewCreateTestHandler returns the CreateTest use case. It panics on a nil dependency.
func NewCreateTestHandler(store testresult.Repository, ids IDs, keyed KeyedIDs, now Clock) decorator.Handler[CreateTest, CreatedTest] {
	if store == nil || ids == nil || keyed == nil || now == nil {
		panic("command: nil dependency for CreateTest")
	}
	return createTestHandler{store: store, ids: ids, keyed: keyed, now: now}
}

func (h createTestHandler) Handle(ctx context.Context, cmd CreateTest) (CreatedTest, error) {
	id := h.ids()
	if cmd.IdempotencyKey != "" {
		id = h.keyed(cmd.UserID, "test\x00"+cmd.IdempotencyKey)
	}
	t, err := testresult.NewTest(id, cmd.UserID, cmd.Title, cmd.Questions, h.now())
	if err != nil {
		return CreatedTest{}, err
	}
	created, err := h.store.AddTest(ctx, t)
	if err != nil || created {
		return CreatedTest{Test: t, Created: created}, err
	}
	existing, err := h.store.GetTest(ctx, id)
	return CreatedTest{Test: existing}, err
}
