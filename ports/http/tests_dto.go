package httpport

import (
	"time"

	"github.com/taskstream/taskstream/domain/testresult"
)

// createTestRequest is the body of POST /v1/tests.
type createTestRequest struct {
	Title     string            `json:"title"`
	Questions []questionRequest `json:"questions"`
}

type questionRequest struct {
	ID       string          `json:"id"`
	Text     string          `json:"text"`
	Kind     string          `json:"kind"`
	Category string          `json:"category"`
	Points   int             `json:"points"`
	Options  []optionPayload `json:"options"`
	Correct  []string        `json:"correct"`
}

type optionPayload struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func (r createTestRequest) questions() []testresult.Question {
	out := make([]testresult.Question, len(r.Questions))
	for i, q := range r.Questions {
		options := make([]testresult.Option, len(q.Options))
		for j, o := range q.Options {
			options[j] = testresult.Option(o)
		}
		out[i] = testresult.Question{ID: q.ID, Text: q.Text, Kind: q.Kind, Category: q.Category, Points: q.Points, Options: options, Correct: q.Correct}
	}
	return out
}

// submitTestRequest is the body of POST /v1/tests/{id}/submissions.
type submitTestRequest struct {
	Answers map[string][]string `json:"answers"`
}

// testResponse is a test; questions carry "correct" for the owner only.
type testResponse struct {
	ID        string             `json:"id"`
	OwnerID   string             `json:"owner_id"`
	Title     string             `json:"title"`
	MaxPoints int                `json:"max_points"`
	Questions []questionResponse `json:"questions"`
	CreatedAt time.Time          `json:"created_at"`
}

type questionResponse struct {
	ID       string          `json:"id"`
	Text     string          `json:"text"`
	Kind     string          `json:"kind"`
	Category string          `json:"category"`
	Points   int             `json:"points"`
	Options  []optionPayload `json:"options"`
	Correct  []string        `json:"correct,omitempty"`
}

func toTestResponse(t *testresult.Test) testResponse {
	qs := make([]questionResponse, len(t.Questions))
	for i, q := range t.Questions {
		options := make([]optionPayload, len(q.Options))
		for j, o := range q.Options {
			options[j] = optionPayload(o)
		}
		qs[i] = questionResponse{ID: q.ID, Text: q.Text, Kind: q.Kind, Category: q.Category, Points: q.Points, Options: options, Correct: q.Correct}
	}
	return testResponse{ID: t.ID, OwnerID: string(t.OwnerID), Title: t.Title, MaxPoints: t.MaxScore(), Questions: qs, CreatedAt: t.CreatedAt}
}

// submissionResponse is a submission: pending, scored with its result, or failed with the
// reason.
type submissionResponse struct {
	ID          string              `json:"id"`
	TestID      string              `json:"test_id"`
	Status      string              `json:"status"`
	Answers     map[string][]string `json:"answers"`
	Result      *testresult.Result  `json:"result,omitempty"`
	Reason      string              `json:"reason,omitempty"`
	SubmittedAt time.Time           `json:"submitted_at"`
	ScoredAt    *time.Time          `json:"scored_at,omitempty"`
}

func toSubmissionResponse(s *testresult.Submission) submissionResponse {
	r := submissionResponse{ID: s.ID, TestID: s.TestID, Status: string(s.Status), Answers: s.Answers,
		Result: s.Result, Reason: s.Reason, SubmittedAt: s.SubmittedAt}
	if !s.ScoredAt.IsZero() {
		at := s.ScoredAt
		r.ScoredAt = &at
	}
	return r
}
