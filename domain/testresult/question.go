package testresult

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/taskstream/taskstream/domain/shared"
)

// Limits of a question's texts and ids, in characters.
const (
	maxText     = 2000
	maxCategory = 100
	maxRef      = 64
)

// Option is one choice of a question: an id the answers name, and its text.
type Option struct {
	ID   string
	Text string
}

// QuestionSpec is a question in primitives: what its author writes (NewQuiz validates it) and
// what storage keeps (RehydrateQuiz restores it). Correct is the answer key: the ids of the
// right options.
type QuestionSpec struct {
	ID       string
	Text     string
	Kind     string
	Category string
	Points   int
	Options  []Option
	Correct  []string
}

// Question is one question of a quiz, a value: it has a text, a kind, a category, 1 to MaxPoints
// points, 2 to MaxOptions options with unique ids, and an answer key of existing options
// (exactly one for a single-choice question).
type Question struct {
	id       string
	text     string
	kind     QuestionKind
	category string
	points   int
	options  []Option
	correct  []string
}

// ID returns the question's id, unique in its quiz.
func (q Question) ID() string { return q.id }

// Text returns the question's text.
func (q Question) Text() string { return q.text }

// Kind returns whether one or several options are right.
func (q Question) Kind() QuestionKind { return q.kind }

// Category returns the category its points count towards.
func (q Question) Category() string { return q.category }

// Points returns what a right answer earns.
func (q Question) Points() int { return q.points }

// Options returns a copy of its options, in order.
func (q Question) Options() []Option { return slices.Clone(q.options) }

// Correct returns a copy of the answer key, the ids of the right options; nil in the taker's
// view of a quiz.
func (q Question) Correct() []string { return slices.Clone(q.correct) }

// newQuestion validates s, the question at field (questions[i]), in the order a client best
// fixes it: id, text, kind, category, points, options, answer key.
func newQuestion(field string, s QuestionSpec) (Question, error) {
	if err := checkRef(field+".id", s.ID); err != nil {
		return Question{}, err
	}
	if err := checkText(field+".text", s.Text, maxText, true); err != nil {
		return Question{}, err
	}
	kind, err := ParseQuestionKind(s.Kind)
	if err != nil {
		return Question{}, shared.Invalid(field+".kind", "must be %q or %q", KindSingle.String(), KindMultiple.String())
	}
	if err := checkText(field+".category", s.Category, maxCategory, false); err != nil {
		return Question{}, err
	}
	if s.Points < 1 || s.Points > MaxPoints {
		return Question{}, shared.Invalid(field+".points", "must be 1 to %d, got %d", MaxPoints, s.Points)
	}
	ids, err := checkOptions(field, s.Options)
	if err != nil {
		return Question{}, err
	}
	if err := checkKey(field, kind, ids, s.Correct); err != nil {
		return Question{}, err
	}
	return questionOf(s, kind), nil
}

// checkOptions checks 2 to MaxOptions options with unique ids and texts, and returns their ids.
func checkOptions(field string, options []Option) (map[string]bool, error) {
	if len(options) < 2 || len(options) > MaxOptions {
		return nil, shared.Invalid(field+".options", "must hold 2 to %d options, got %d", MaxOptions, len(options))
	}
	ids := make(map[string]bool, len(options))
	for j, o := range options {
		f := fieldOf(field+".options", j)
		if err := checkRef(f+".id", o.ID); err != nil {
			return nil, err
		}
		if err := checkText(f+".text", o.Text, maxText, true); err != nil {
			return nil, err
		}
		if ids[o.ID] {
			return nil, shared.Invalid(f+".id", "%q is used by another option", o.ID)
		}
		ids[o.ID] = true
	}
	return ids, nil
}

// checkKey checks the answer key: at least one right option (exactly one for a single-choice
// question), each an option of the question, none named twice.
func checkKey(field string, kind QuestionKind, options map[string]bool, correct []string) error {
	if kind == KindSingle && len(correct) != 1 {
		return shared.Invalid(field+".correct", "a single-choice question has exactly one right option, got %d", len(correct))
	}
	if len(correct) == 0 {
		return shared.Invalid(field+".correct", "must name at least one right option")
	}
	right := make(map[string]bool, len(correct))
	for _, c := range correct {
		if !options[c] {
			return shared.Invalid(field+".correct", "%q is not an option of the question", c)
		}
		if right[c] {
			return shared.Invalid(field+".correct", "%q is named twice", c)
		}
		right[c] = true
	}
	return nil
}

// questionOf builds the question of s, copying its slices so that the caller's later changes do
// not reach the quiz.
func questionOf(s QuestionSpec, kind QuestionKind) Question {
	return Question{id: s.ID, text: s.Text, kind: kind, category: s.Category, points: s.Points,
		options: slices.Clone(s.Options), correct: slices.Clone(s.Correct)}
}

func (q Question) spec() QuestionSpec {
	return QuestionSpec{ID: q.id, Text: q.text, Kind: q.kind.String(), Category: q.category, Points: q.points,
		Options: q.Options(), Correct: q.Correct()}
}

func (q Question) hasOption(id string) bool {
	return slices.ContainsFunc(q.options, func(o Option) bool { return o.ID == id })
}

// checkText checks a required text; texts of questions and options may span lines.
func checkText(field, s string, maxRunes int, multiline bool) error {
	if s == "" {
		return shared.Invalid(field, "must not be empty")
	}
	return shared.CheckText(field, s, maxRunes, multiline)
}

// checkRef checks an id: 1 to maxRef characters (not bytes: the API document counts characters).
func checkRef(field, s string) error {
	if s == "" || utf8.RuneCountInString(s) > maxRef {
		return shared.Invalid(field, "must be 1 to %d characters", maxRef)
	}
	return shared.CheckText(field, s, maxRef, false)
}

func fieldOf(list string, i int) string {
	return list + "[" + strconv.Itoa(i) + "]"
}
