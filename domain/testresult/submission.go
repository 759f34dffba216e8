package testresult

import (
	"sort"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Status is where a submission is in its scoring.
type Status string

// The statuses of a submission. A submission is pending until the result calculator scores it
// (scored) or finds it cannot be scored (failed, with the reason); neither changes again.
const (
	StatusPending Status = "pending"
	StatusScored  Status = "scored"
	StatusFailed  Status = "failed"
)

// Submission is one user's answers to a test: for each question id, the ids of the options
// picked. A question left out scores nothing.
type Submission struct {
	ID          string
	TestID      string
	UserID      shared.UserID
	Answers     map[string][]string
	Status      Status
	Reason      string
	Result      *Result
	SubmittedAt time.Time
	ScoredAt    time.Time
}

// NewSubmission validates answers against the test and returns a pending submission.
func NewSubmission(id string, t *Test, user shared.UserID, answers map[string][]string, now time.Time) (*Submission, error) {
	if !shared.IsUUID(id) {
		return nil, shared.Invalid("id", "must be a UUID")
	}
	if _, err := shared.ParseUserID(string(user)); err != nil {
		return nil, err
	}
	if err := checkAnswers(t, answers); err != nil {
		return nil, err
	}
	if answers == nil {
		answers = map[string][]string{}
	}
	return &Submission{ID: id, TestID: t.ID, UserID: user, Answers: answers, Status: StatusPending, SubmittedAt: now}, nil
}

// checkAnswers refuses an answer to a question the test does not have, an option the question
// does not have, an option picked twice, and more than one option for a single-choice question.
func checkAnswers(t *Test, answers map[string][]string) error {
	for qid, picked := range answers {
		q, ok := t.question(qid)
		if !ok {
			return shared.Invalid("answers", "the test has no question %q", qid)
		}
		if q.Kind == KindSingle && len(picked) > 1 {
			return shared.Invalid("answers."+qid, "a single-choice question takes one option, got %d", len(picked))
		}
		seen := make(map[string]bool, len(picked))
		for _, o := range picked {
			if !q.hasOption(o) {
				return shared.Invalid("answers."+qid, "the question has no option %q", o)
			}
			if seen[o] {
				return shared.Invalid("answers."+qid, "option %q is picked twice", o)
			}
			seen[o] = true
		}
	}
	return nil
}

func (q Question) hasOption(id string) bool {
	for _, o := range q.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// Score scores the pending submission against t and records the result. It returns an error
// of kind invalid when the answers do not fit the test (then Fail records why), and of kind
// conflict when the submission is not pending.
func (s *Submission) Score(t *Test, now time.Time) error {
	if s.Status != StatusPending {
		return shared.Conflict("submission %s is %s already", s.ID, s.Status)
	}
	if t.ID != s.TestID {
		return shared.Invalid("test_id", "submission %s is for test %s, not %s", s.ID, s.TestID, t.ID)
	}
	r, err := score(t, s.Answers)
	if err != nil {
		return err
	}
	s.Status, s.Result, s.ScoredAt = StatusScored, &r, now
	return nil
}

// Fail records that the submission cannot be scored, and why.
func (s *Submission) Fail(reason string, now time.Time) error {
	if s.Status != StatusPending {
		return shared.Conflict("submission %s is %s already", s.ID, s.Status)
	}
	s.Status, s.Reason, s.ScoredAt = StatusFailed, reason, now
	return nil
}

// Scored returns the event of a scored submission.
func (s *Submission) Scored(t *Test) Scored {
	r := s.Result
	return Scored{
		SubmissionID: s.ID, TestID: t.ID, TestTitle: t.Title, UserID: string(s.UserID),
		Points: r.Points, MaxPoints: r.MaxPoints, Percentage: r.Percentage,
		Categories: r.Categories, Weakest: r.Weakest, SubmittedAt: s.SubmittedAt, ScoredAt: s.ScoredAt,
	}
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
