package testresult

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Event types and schema versions of the test-results context. Their names are a public
// contract: a consumer in another language matches on them (the ce_type header).
const (
	// EventSubmitted is a stored submission, on topic test_submissions (result-calculator).
	EventSubmitted        = "taskstream.test.submitted"
	EventSubmittedVersion = "1"
	// EventScored is a scored submission, on topic test_results_ready (notification-service,
	// analytics).
	EventScored        = "taskstream.test.scored"
	EventScoredVersion = "1"
)

// Submitted is the payload of EventSubmitted: the submission's id only; the answers are in
// the database, written in the same transaction as the event. Its JSON form is part of the
// public contract of topic test_submissions, which calls a quiz a test.
type Submitted struct {
	SubmissionID string    `json:"submission_id"`
	QuizID       string    `json:"test_id"`
	UserID       string    `json:"user_id"`
	SubmittedAt  time.Time `json:"submitted_at"`
}

// CategoryScore is the points of one category. Its JSON form is part of Scored's.
type CategoryScore struct {
	Category   string  `json:"category"`
	Points     int     `json:"points"`
	MaxPoints  int     `json:"max_points"`
	Percentage float64 `json:"percentage"`
}

// Scored is the payload of EventScored. Its JSON form is part of the public contract of topic
// test_results_ready, which calls a quiz a test.
type Scored struct {
	SubmissionID string          `json:"submission_id"`
	QuizID       string          `json:"test_id"`
	QuizTitle    string          `json:"test_title"`
	UserID       string          `json:"user_id"`
	Points       int             `json:"points"`
	MaxPoints    int             `json:"max_points"`
	Percentage   float64         `json:"percentage"`
	Categories   []CategoryScore `json:"categories"`
	Weakest      []string        `json:"weakest_categories"`
	SubmittedAt  time.Time       `json:"submitted_at"`
	ScoredAt     time.Time       `json:"scored_at"`
}

// Validate checks a scored event read from the topic as the domain would have written it: the
// submission and the quiz named by UUIDs, a percentage from 0 to 100 and points from 0 to the
// maximum. The statistics count only such scores.
func (e Scored) Validate() error {
	switch {
	case !shared.IsUUID(e.SubmissionID) || !shared.IsUUID(e.QuizID):
		return shared.Invalid("event", "submission_id and test_id must be UUIDs")
	case e.Percentage < 0 || e.Percentage > 100 || e.Points < 0 || e.Points > e.MaxPoints:
		return shared.Invalid("event", "percentage %v and points %d of %d are out of range", e.Percentage, e.Points, e.MaxPoints)
	}
	return nil
}
