package testresult

import "github.com/taskstream/taskstream/domain/shared"

// QuestionKind says how a question is answered: single or multiple. The zero QuestionKind is
// not valid.
type QuestionKind struct{ s string }

// The kinds of question.
var (
	// KindSingle is a single-choice question: one option is right.
	KindSingle = QuestionKind{"single"}
	// KindMultiple is a multiple-choice question: one or more options are right, and the answer
	// scores only when it picks exactly those.
	KindMultiple = QuestionKind{"multiple"}
)

// ParseQuestionKind reads a question kind by its name.
func ParseQuestionKind(s string) (QuestionKind, error) {
	for _, k := range []QuestionKind{KindSingle, KindMultiple} {
		if k.s == s {
			return k, nil
		}
	}
	return QuestionKind{}, shared.Invalid("kind", "must be %q or %q", KindSingle.s, KindMultiple.s)
}

// String returns the kind's name.
func (k QuestionKind) String() string { return k.s }

// IsZero reports whether k is the zero (unset) kind.
func (k QuestionKind) IsZero() bool { return k.s == "" }

// Status is where a submission is in its scoring: pending until the result calculator scores it
// (scored) or finds it cannot be scored (failed, with the reason); neither changes again. The
// zero Status is not valid.
type Status struct{ s string }

// The statuses of a submission.
var (
	StatusPending = Status{"pending"}
	StatusScored  = Status{"scored"}
	StatusFailed  = Status{"failed"}
)

// ParseStatus reads a submission status by its name.
func ParseStatus(s string) (Status, error) {
	for _, v := range []Status{StatusPending, StatusScored, StatusFailed} {
		if v.s == s {
			return v, nil
		}
	}
	return Status{}, shared.Invalid("status", "must be pending, scored or failed, got %q", s)
}

// String returns the status's name.
func (s Status) String() string { return s.s }

// IsZero reports whether s is the zero (unset) status.
func (s Status) IsZero() bool { return s.s == "" }
