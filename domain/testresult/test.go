package testresult

import (
	"strconv"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Question kinds.
const (
	// KindSingle is a single-choice question: one option is right.
	KindSingle = "single"
	// KindMultiple is a multiple-choice question: one or more options are right, and the answer
	// scores only when it picks exactly those.
	KindMultiple = "multiple"
)

// Limits of a test.
const (
	MaxQuestions = 200
	MaxOptions   = 20
	MaxPoints    = 1000
	maxTitle     = 200
	maxText      = 2000
	maxCategory  = 100
	maxRef       = 64
)

// Option is one choice of a question.
type Option struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Question is one question of a test. Correct is the answer key: the ids of the right options.
type Question struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	Kind     string   `json:"kind"`
	Category string   `json:"category"`
	Points   int      `json:"points"`
	Options  []Option `json:"options"`
	Correct  []string `json:"correct"`
}

// Test is a set of questions a user made; anyone signed in may take it, only its owner sees the
// answer key and the statistics. A test does not change once created, so every submission is
// scored against the questions it was answered on.
type Test struct {
	ID        string
	OwnerID   shared.UserID
	Title     string
	Questions []Question
	CreatedAt time.Time
}

// NewTest validates and returns a test.
func NewTest(id string, owner shared.UserID, title string, questions []Question, now time.Time) (*Test, error) {
	t := &Test{ID: id, OwnerID: owner, Title: title, Questions: questions, CreatedAt: now}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// Validate checks every rule of a test: a title, 1 to MaxQuestions questions with unique ids,
// each with a text, a kind, a category, 1 to MaxPoints points, 2 to MaxOptions options with
// unique ids, and an answer key of existing options (exactly one for a single-choice question).
func (t *Test) Validate() error {
	if !shared.IsUUID(t.ID) {
		return shared.Invalid("id", "must be a UUID")
	}
	if _, err := shared.ParseUserID(string(t.OwnerID)); err != nil {
		return err
	}
	if err := checkText("title", t.Title, maxTitle, false); err != nil {
		return err
	}
	if len(t.Questions) == 0 || len(t.Questions) > MaxQuestions {
		return shared.Invalid("questions", "must hold 1 to %d questions, got %d", MaxQuestions, len(t.Questions))
	}
	seen := make(map[string]bool, len(t.Questions))
	for i, q := range t.Questions {
		if err := q.validate(fieldOf("questions", i)); err != nil {
			return err
		}
		if seen[q.ID] {
			return shared.Invalid(fieldOf("questions", i)+".id", "%q is used by another question", q.ID)
		}
		seen[q.ID] = true
	}
	return nil
}

func (q Question) validate(field string) error {
	if err := checkRef(field+".id", q.ID); err != nil {
		return err
	}
	if err := checkText(field+".text", q.Text, maxText, true); err != nil {
		return err
	}
	if q.Kind != KindSingle && q.Kind != KindMultiple {
		return shared.Invalid(field+".kind", "must be %q or %q", KindSingle, KindMultiple)
	}
	if err := checkText(field+".category", q.Category, maxCategory, false); err != nil {
		return err
	}
	if q.Points < 1 || q.Points > MaxPoints {
		return shared.Invalid(field+".points", "must be 1 to %d, got %d", MaxPoints, q.Points)
	}
	if len(q.Options) < 2 || len(q.Options) > MaxOptions {
		return shared.Invalid(field+".options", "must hold 2 to %d options, got %d", MaxOptions, len(q.Options))
	}
	ids := make(map[string]bool, len(q.Options))
	for j, o := range q.Options {
		f := fieldOf(field+".options", j)
		if err := checkRef(f+".id", o.ID); err != nil {
			return err
		}
		if err := checkText(f+".text", o.Text, maxText, true); err != nil {
			return err
		}
		if ids[o.ID] {
			return shared.Invalid(f+".id", "%q is used by another option", o.ID)
		}
		ids[o.ID] = true
	}
	if q.Kind == KindSingle && len(q.Correct) != 1 {
		return shared.Invalid(field+".correct", "a single-choice question has exactly one right option, got %d", len(q.Correct))
	}
	if len(q.Correct) == 0 {
		return shared.Invalid(field+".correct", "must name at least one right option")
	}
	right := make(map[string]bool, len(q.Correct))
	for _, c := range q.Correct {
		if !ids[c] {
			return shared.Invalid(field+".correct", "%q is not an option of the question", c)
		}
		if right[c] {
			return shared.Invalid(field+".correct", "%q is named twice", c)
		}
		right[c] = true
	}
	return nil
}

// MaxScore is the points of all questions.
func (t *Test) MaxScore() int {
	total := 0
	for _, q := range t.Questions {
		total += q.Points
	}
	return total
}

// question returns the question with id.
func (t *Test) question(id string) (Question, bool) {
	for _, q := range t.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// checkText checks a required text; texts of questions and options may span lines.
func checkText(field, s string, maxRunes int, multiline bool) error {
	if s == "" {
		return shared.Invalid(field, "must not be empty")
	}
	return shared.CheckText(field, s, maxRunes, multiline)
}

func checkRef(field, s string) error {
	if s == "" || len(s) > maxRef {
		return shared.Invalid(field, "must be 1 to %d characters", maxRef)
	}
	return shared.CheckText(field, s, maxRef, false)
}

func fieldOf(list string, i int) string {
	return list + "[" + strconv.Itoa(i) + "]"
}
