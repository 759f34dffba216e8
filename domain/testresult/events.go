package testresult

import "time"

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
// the database, written in the same transaction as the event.
type Submitted struct {
	SubmissionID string    `json:"submission_id"`
	TestID       string    `json:"test_id"`
	UserID       string    `json:"user_id"`
	SubmittedAt  time.Time `json:"submitted_at"`
}

// CategoryScore is the points of one category.
type CategoryScore struct {
	Category   string  `json:"category"`
	Points     int     `json:"points"`
	MaxPoints  int     `json:"max_points"`
	Percentage float64 `json:"percentage"`
}

// Scored is the payload of EventScored.
type Scored struct {
	SubmissionID string          `json:"submission_id"`
	TestID       string          `json:"test_id"`
	TestTitle    string          `json:"test_title"`
	UserID       string          `json:"user_id"`
	Points       int             `json:"points"`
	MaxPoints    int             `json:"max_points"`
	Percentage   float64         `json:"percentage"`
	Categories   []CategoryScore `json:"categories"`
	Weakest      []string        `json:"weakest_categories"`
	SubmittedAt  time.Time       `json:"submitted_at"`
	ScoredAt     time.Time       `json:"scored_at"`
}
