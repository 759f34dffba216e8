package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// SubmitAnswers stores a user's answers to a quiz, pending, with its submitted event; the result
// calculator scores it in the background.
type SubmitAnswers struct {
	UserID  shared.UserID
	QuizID  string
	Answers map[string][]string
	// IdempotencyKey, when set, names the submission: a retry with the same key returns the
	// submission the first attempt stored, and stores nothing.
	IdempotencyKey string
	Meta           shared.EventMeta
}

// SubmittedAnswers is the submission and whether this call stored it (false for a retried key).
type SubmittedAnswers struct {
	Submission *testresult.Submission
	Created    bool
}

// SubmitAnswersHandler handles SubmitAnswers.
type SubmitAnswersHandler decorator.Handler[SubmitAnswers, SubmittedAnswers]

type submitAnswersHandler struct {
	store testresult.QuizRepository
	ids   IDs
	keyed KeyedIDs
	now   Clock
}

// submissionKeyPrefix sets the ids of submissions apart from those of other entities derived
// from the same user and key; changing it would give retries of accepted submissions new ids.
const submissionKeyPrefix = "submission\x00"

// NewSubmitAnswersHandler returns the SubmitAnswers use case. It panics on a nil dependency.
func NewSubmitAnswersHandler(store testresult.QuizRepository, ids IDs, keyed KeyedIDs, now Clock) decorator.Handler[SubmitAnswers, SubmittedAnswers] {
	if store == nil || ids == nil || keyed == nil || now == nil {
		panic("command: nil dependency for SubmitAnswers")
	}
	return submitAnswersHandler{store: store, ids: ids, keyed: keyed, now: now}
}

// Handle validates the answers against the quiz and stores them as the user's next attempt,
// refused with a conflict (wrapping testresult.ErrNoAttemptsLeft) past the quiz's limit. A
// retried key returns the submission it stored first, even past the limit, and a conflict when
// that one answers another quiz.
func (h submitAnswersHandler) Handle(ctx context.Context, cmd SubmitAnswers) (SubmittedAnswers, error) {
	q, err := h.store.GetQuiz(ctx, cmd.QuizID)
	if err != nil {
		return SubmittedAnswers{}, err
	}
	id := h.ids()
	if cmd.IdempotencyKey != "" {
		id = h.keyed(cmd.UserID, submissionKeyPrefix+cmd.IdempotencyKey)
	}
	s, err := testresult.NewSubmission(id, q, cmd.UserID, cmd.Answers, h.now())
	if err != nil {
		return SubmittedAnswers{}, err
	}
	admit := func(attempt int) error { return s.TakeAttempt(q, attempt) }
	created, err := h.store.AddSubmission(ctx, s, admit, cmd.Meta)
	if err != nil || created {
		return SubmittedAnswers{Submission: s, Created: created}, err
	}
	existing, err := h.store.GetSubmission(ctx, cmd.UserID, id)
	if err != nil {
		return SubmittedAnswers{}, err
	}
	if existing.QuizID() != cmd.QuizID {
		return SubmittedAnswers{}, shared.Conflict("this idempotency key was used for a submission to test %s", existing.QuizID())
	}
	// The retried submission may be scored by now: the caller sees what the quiz's feedback
	// allows, as GET /v1/submissions/{id} shows it.
	return SubmittedAnswers{Submission: existing.AsSeenBy(q)}, nil
}
