package testresult

import (
	"fmt"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Submission is one user's answers to a quiz: for each question id, the ids of the options
// picked (a question left out scores nothing), and where its scoring stands. Its fields are
// unexported: NewSubmission validates a new one against its quiz, RehydrateSubmission restores
// a stored one, and Score, Fail and Grade decide it. A Submission is not safe for concurrent
// use.
type Submission struct {
	id          string
	quizID      string
	userID      shared.UserID
	attempt     int
	answers     map[string][]string
	status      Status
	reason      string
	result      *Result
	submittedAt time.Time
	scoredAt    time.Time
}

// SubmissionSnapshot is a submission in primitives, for storage (RehydrateSubmission restores
// it). Result is set for a scored submission only; ScoredAt is zero while it is pending.
type SubmissionSnapshot struct {
	ID     string
	QuizID string
	UserID string
	// Attempt is the submission's number among its user's attempts at the quiz, from 1; 0 for
	// one not yet stored (or stored before attempts were counted).
	Attempt     int
	Answers     map[string][]string
	Status      string
	Reason      string
	Result      *Result
	SubmittedAt time.Time
	ScoredAt    time.Time
}

// NewSubmission validates answers against q and returns a pending submission by user, submitted
// at now.
func NewSubmission(id string, q *Quiz, user shared.UserID, answers map[string][]string, now time.Time) (*Submission, error) {
	if !shared.IsUUID(id) {
		return nil, shared.Invalid("id", "must be a UUID")
	}
	if _, err := shared.ParseUserID(string(user)); err != nil {
		return nil, err
	}
	if err := checkAnswers(q, answers); err != nil {
		return nil, err
	}
	return &Submission{id: id, quizID: q.id, userID: user, answers: cloneAnswers(answers), status: StatusPending, submittedAt: now}, nil
}

// RehydrateSubmission rebuilds a stored submission without validating its answers again; only
// repositories call it. It fails on what it cannot represent: an unknown status, or a result
// that does not go with the status (a scored submission has one, no other does).
func RehydrateSubmission(s SubmissionSnapshot) (*Submission, error) {
	status, err := ParseStatus(s.Status)
	if err != nil {
		return nil, fmt.Errorf("submission %s: %w", s.ID, err)
	}
	if status == StatusScored && s.Result == nil {
		return nil, fmt.Errorf("submission %s: scored without its result", s.ID)
	}
	if status != StatusScored && s.Result != nil {
		return nil, fmt.Errorf("submission %s: %s with a result", s.ID, status)
	}
	sub := &Submission{
		id: s.ID, quizID: s.QuizID, userID: shared.UserID(s.UserID), attempt: s.Attempt, answers: cloneAnswers(s.Answers), status: status,
		reason: s.Reason, submittedAt: s.SubmittedAt, scoredAt: s.ScoredAt,
	}
	if s.Result != nil {
		r := s.Result.clone()
		sub.result = &r
	}
	return sub, nil
}

// Snapshot returns the submission's state, for storage. It shares nothing with the submission.
func (s *Submission) Snapshot() SubmissionSnapshot {
	snap := SubmissionSnapshot{
		ID: s.id, QuizID: s.quizID, UserID: string(s.userID), Attempt: s.attempt, Answers: s.Answers(), Status: s.status.String(),
		Reason: s.reason, SubmittedAt: s.submittedAt, ScoredAt: s.scoredAt,
	}
	if r, ok := s.Result(); ok {
		snap.Result = &r
	}
	return snap
}

// ID returns the submission's UUID.
func (s *Submission) ID() string { return s.id }

// QuizID returns the quiz it answers.
func (s *Submission) QuizID() string { return s.quizID }

// UserID returns the user who submitted it.
func (s *Submission) UserID() shared.UserID { return s.userID }

// Attempt returns its number among its user's attempts at the quiz, from 1 (0 before it is
// stored).
func (s *Submission) Attempt() int { return s.attempt }

// Answers returns a copy of the answers: question id to the ids of the options picked.
func (s *Submission) Answers() map[string][]string { return cloneAnswers(s.answers) }

// Status returns where its scoring stands.
func (s *Submission) Status() Status { return s.status }

// IsPending reports whether it still waits for its score.
func (s *Submission) IsPending() bool { return s.status == StatusPending }

// Reason returns why a failed submission could not be scored, "" otherwise.
func (s *Submission) Reason() string { return s.reason }

// Result returns a copy of the result of a scored submission, and false for any other.
func (s *Submission) Result() (Result, bool) {
	if s.result == nil {
		return Result{}, false
	}
	return s.result.clone(), true
}

// SubmittedAt returns when it was submitted.
func (s *Submission) SubmittedAt() time.Time { return s.submittedAt }

// ScoredAt returns when it was scored or failed, and false while it is pending.
func (s *Submission) ScoredAt() (time.Time, bool) { return s.scoredAt, !s.scoredAt.IsZero() }

// Score scores the pending submission against q, its quiz, and records the result at now. It
// returns an error of kind conflict when the submission is not pending, and of kind invalid
// when q is another quiz or the answers do not fit it (Grade then fails the submission).
func (s *Submission) Score(q *Quiz, now time.Time) error {
	if err := s.checkPending(); err != nil {
		return err
	}
	if q.id != s.quizID {
		return errOtherQuiz(s, q)
	}
	if !q.HasAnswerKey() {
		return fmt.Errorf("testresult: quiz %s is a taker's view, without the answer key to score with", q.id)
	}
	r, err := score(q, s.answers)
	if err != nil {
		return err
	}
	s.status, s.result, s.scoredAt = StatusScored, &r, now
	return nil
}

// Fail records that the pending submission cannot be scored, and why, at now.
func (s *Submission) Fail(reason string, now time.Time) error {
	if err := s.checkPending(); err != nil {
		return err
	}
	if reason == "" {
		return shared.Invalid("reason", "must say why the submission cannot be scored")
	}
	s.status, s.reason, s.scoredAt = StatusFailed, reason, now
	return nil
}

// Grade decides the pending submission at now: it scores it against q, or, when it cannot be
// scored (Score's error of kind invalid: the answers no longer fit the quiz), fails it with that
// reason. Either way the submission is no longer pending; an error means it was not decided.
func (s *Submission) Grade(q *Quiz, now time.Time) error {
	err := s.Score(q, now)
	if shared.KindOf(err) == shared.KindInvalid {
		return s.Fail(err.Error(), now)
	}
	return err
}

// CheckEvent fails with an error of kind invalid unless the submitted event e names this
// submission's user and quiz: an event that names the right submission with another user or
// quiz was not emitted for it, and must not decide it.
func (s *Submission) CheckEvent(e Submitted) error {
	if s.userID != shared.UserID(e.UserID) || s.quizID != e.QuizID {
		return shared.Invalid("event", "names user %q and test %s, but submission %s is user %q's for test %s",
			e.UserID, e.QuizID, s.id, s.userID, s.quizID)
	}
	return nil
}

// SubmittedEvent returns the payload of the submission's submitted event.
func (s *Submission) SubmittedEvent() Submitted {
	return Submitted{SubmissionID: s.id, QuizID: s.quizID, UserID: string(s.userID), SubmittedAt: s.submittedAt}
}

// ScoredEvent returns the payload of the scored event of the submission, an answer to q, and
// false when it is not scored (a failed submission tells nobody).
func (s *Submission) ScoredEvent(q *Quiz) (Scored, bool) {
	r, ok := s.Result()
	if !ok {
		return Scored{}, false
	}
	if q.FeedbackFor(s.userID) == FeedbackScore {
		// The notification must not tell more than the result page; empty lists, not null,
		// keep the event's shape.
		r = r.scoreOnly()
		r.Categories, r.Weakest = []CategoryScore{}, []string{}
	}
	return Scored{
		SubmissionID: s.id, QuizID: q.id, QuizTitle: q.title, UserID: string(s.userID),
		Points: r.Points, MaxPoints: r.MaxPoints, Percentage: r.Percentage,
		Categories: r.Categories, Weakest: r.Weakest, SubmittedAt: s.submittedAt, ScoredAt: s.scoredAt,
	}, true
}

func errOtherQuiz(s *Submission, q *Quiz) error {
	return shared.Invalid("test_id", "submission %s is for test %s, not %s", s.id, s.quizID, q.id)
}

func (s *Submission) checkPending() error {
	if s.status != StatusPending {
		return shared.Conflict("submission %s is %s already", s.id, s.status)
	}
	return nil
}
