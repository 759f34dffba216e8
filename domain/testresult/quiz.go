package testresult

import (
	"fmt"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Limits of a quiz.
const (
	MaxQuestions = 200
	MaxOptions   = 20
	MaxPoints    = 1000
	maxTitle     = 200
)

// Quiz is a set of questions a user wrote; anyone signed in may take it, only its owner sees the
// answer key and the statistics. A quiz does not change once created, so every submission is
// scored against the questions it was answered on. Its fields are unexported: NewQuiz validates
// a new quiz, RehydrateQuiz restores a stored one. It has no method that changes it, so it is
// safe for concurrent use and may be shared (a cache does).
type Quiz struct {
	id        string
	ownerID   shared.UserID
	title     string
	questions []Question
	createdAt time.Time
	settings  settings
	// keyHidden marks the taker's view (ForTaker): its questions carry no answer key, so it
	// cannot score anything.
	keyHidden bool
}

// QuizSnapshot is a quiz in primitives, for storage (RehydrateQuiz restores it).
type QuizSnapshot struct {
	ID        string
	OwnerID   string
	Title     string
	Questions []QuestionSpec
	Settings  QuizSettings
	CreatedAt time.Time
}

// NewQuiz validates and returns a quiz created at now: a title, 1 to MaxQuestions questions with
// unique ids, each valid as QuestionSpec says, and the owner's settings (their zero value is the
// safe default).
func NewQuiz(id string, owner shared.UserID, title string, questions []QuestionSpec, cfg QuizSettings, now time.Time) (*Quiz, error) {
	if !shared.IsUUID(id) {
		return nil, shared.Invalid("id", "must be a UUID")
	}
	if _, err := shared.ParseUserID(string(owner)); err != nil {
		return nil, err
	}
	if err := checkText("title", title, maxTitle, false); err != nil {
		return nil, err
	}
	if len(questions) == 0 || len(questions) > MaxQuestions {
		return nil, shared.Invalid("questions", "must hold 1 to %d questions, got %d", MaxQuestions, len(questions))
	}
	set, err := newSettings(cfg)
	if err != nil {
		return nil, err
	}
	q := &Quiz{id: id, ownerID: owner, title: title, questions: make([]Question, 0, len(questions)), createdAt: now, settings: set}
	seen := make(map[string]bool, len(questions))
	for i, spec := range questions {
		field := fieldOf("questions", i)
		question, err := newQuestion(field, spec)
		if err != nil {
			return nil, err
		}
		if seen[spec.ID] {
			return nil, shared.Invalid(field+".id", "%q is used by another question", spec.ID)
		}
		seen[spec.ID] = true
		q.questions = append(q.questions, question)
	}
	return q, nil
}

// RehydrateQuiz rebuilds a stored quiz without validating it again (NewQuiz did, before it was
// stored); only repositories call it. It fails only on what it cannot represent: an unknown
// question kind, feedback or way of counting.
func RehydrateQuiz(s QuizSnapshot) (*Quiz, error) {
	set, err := rehydrateSettings(s.Settings)
	if err != nil {
		return nil, fmt.Errorf("quiz %s: %w", s.ID, err)
	}
	q := &Quiz{id: s.ID, ownerID: shared.UserID(s.OwnerID), title: s.Title, createdAt: s.CreatedAt, settings: set,
		questions: make([]Question, len(s.Questions))}
	for i, spec := range s.Questions {
		kind, err := ParseQuestionKind(spec.Kind)
		if err != nil {
			return nil, fmt.Errorf("quiz %s: question %s: %w", s.ID, spec.ID, err)
		}
		q.questions[i] = questionOf(spec, kind)
	}
	return q, nil
}

// Snapshot returns the quiz's state, for storage.
func (q *Quiz) Snapshot() QuizSnapshot {
	specs := make([]QuestionSpec, len(q.questions))
	for i, question := range q.questions {
		specs[i] = question.spec()
	}
	return QuizSnapshot{ID: q.id, OwnerID: string(q.ownerID), Title: q.title, Questions: specs,
		Settings: q.settings.primitives(), CreatedAt: q.createdAt}
}

// ID returns the quiz's UUID.
func (q *Quiz) ID() string { return q.id }

// OwnerID returns the user who wrote it.
func (q *Quiz) OwnerID() shared.UserID { return q.ownerID }

// Title returns its title.
func (q *Quiz) Title() string { return q.title }

// CreatedAt returns when it was created.
func (q *Quiz) CreatedAt() time.Time { return q.createdAt }

// Questions returns its questions in order. Question is a value whose accessors copy, so the
// quiz cannot be changed through them.
func (q *Quiz) Questions() []Question {
	return append([]Question(nil), q.questions...)
}

// MaxScore is the points of all questions.
func (q *Quiz) MaxScore() int {
	total := 0
	for _, question := range q.questions {
		total += question.points
	}
	return total
}

// OwnedBy reports whether user wrote the quiz.
func (q *Quiz) OwnedBy(user shared.UserID) bool { return q.ownerID == user }

// HasAnswerKey reports whether the questions carry their answer key; the taker's view does not.
func (q *Quiz) HasAnswerKey() bool { return !q.keyHidden }

// ForTaker returns the quiz as someone taking it sees it: the same questions without the answer
// key.
func (q *Quiz) ForTaker() *Quiz {
	view := *q
	view.keyHidden = true
	view.questions = make([]Question, len(q.questions))
	for i, question := range q.questions {
		question.correct = nil
		view.questions[i] = question
	}
	return &view
}

// AsSeenBy returns the quiz as user may see it: whole for its owner, the taker's view (ForTaker)
// for anyone else.
func (q *Quiz) AsSeenBy(user shared.UserID) *Quiz {
	if q.OwnedBy(user) {
		return q
	}
	return q.ForTaker()
}

// CheckStatsReader fails with a forbidden error unless user owns the quiz: its statistics are
// its owner's alone, while anyone signed in may take it.
func (q *Quiz) CheckStatsReader(user shared.UserID) error {
	if !q.OwnedBy(user) {
		return shared.Forbidden("only the owner of a test may read its statistics")
	}
	return nil
}

// question returns the question with id.
func (q *Quiz) question(id string) (Question, bool) {
	for _, question := range q.questions {
		if question.id == id {
			return question, true
		}
	}
	return Question{}, false
}
