package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// CreateQuiz creates a quiz owned by the caller.
type CreateQuiz struct {
	UserID    shared.UserID
	Title     string
	Questions []testresult.QuestionSpec
	// Settings are the owner's choices: attempts per taker, feedback, what the statistics
	// count. The zero value is the safe default (testresult.QuizSettings).
	Settings testresult.QuizSettings
	// IdempotencyKey, when set, names the quiz: a retry with the same key returns the quiz the
	// first attempt created, and creates nothing.
	IdempotencyKey string
}

// CreatedQuiz is the quiz and whether this call created it (false for a retried key).
type CreatedQuiz struct {
	Quiz    *testresult.Quiz
	Created bool
}

// CreateQuizHandler handles CreateQuiz.
type CreateQuizHandler decorator.Handler[CreateQuiz, CreatedQuiz]

type createQuizHandler struct {
	store testresult.QuizRepository
	ids   IDs
	keyed KeyedIDs
	now   Clock
}

// quizKeyPrefix sets the ids of quizzes apart from those of other entities derived from the same
// user and key. It says "test", as it did before quizzes had their name: a new prefix would give
// a retry of a create accepted before it another id, and so a second quiz.
const quizKeyPrefix = "test\x00"

// NewCreateQuizHandler returns the CreateQuiz use case. It panics on a nil dependency.
func NewCreateQuizHandler(store testresult.QuizRepository, ids IDs, keyed KeyedIDs, now Clock) decorator.Handler[CreateQuiz, CreatedQuiz] {
	if store == nil || ids == nil || keyed == nil || now == nil {
		panic("command: nil dependency for CreateQuiz")
	}
	return createQuizHandler{store: store, ids: ids, keyed: keyed, now: now}
}

func (h createQuizHandler) Handle(ctx context.Context, cmd CreateQuiz) (CreatedQuiz, error) {
	id := h.ids()
	if cmd.IdempotencyKey != "" {
		id = h.keyed(cmd.UserID, quizKeyPrefix+cmd.IdempotencyKey)
	}
	q, err := testresult.NewQuiz(id, cmd.UserID, cmd.Title, cmd.Questions, cmd.Settings, h.now())
	if err != nil {
		return CreatedQuiz{}, err
	}
	created, err := h.store.AddQuiz(ctx, q)
	if err != nil || created {
		return CreatedQuiz{Quiz: q, Created: created}, err
	}
	existing, err := h.store.GetQuiz(ctx, id)
	return CreatedQuiz{Quiz: existing}, err
}
