package httpport

import (
	"time"

	"github.com/taskstream/taskstream/domain/testresult"
)

// The bodies of the /v1/tests and /v1/submissions endpoints. Their JSON is the public contract
// (openapi.yaml: Test, Submission, TestResult, TestStats), which calls a quiz a test; the named
// converters below are the only crossings between it and the domain.

// createQuizRequest is the body of POST /v1/tests.
type createQuizRequest struct {
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

// toQuestionSpecs converts the questions of a create request; the domain validates them
// (testresult.NewQuiz), a kind included.
func toQuestionSpecs(qs []questionRequest) []testresult.QuestionSpec {
	out := make([]testresult.QuestionSpec, len(qs))
	for i, q := range qs {
		options := make([]testresult.Option, len(q.Options))
		for j, o := range q.Options {
			options[j] = testresult.Option(o)
		}
		out[i] = testresult.QuestionSpec{ID: q.ID, Text: q.Text, Kind: q.Kind, Category: q.Category, Points: q.Points, Options: options, Correct: q.Correct}
	}
	return out
}

// submitAnswersRequest is the body of POST /v1/tests/{id}/submissions.
type submitAnswersRequest struct {
	Answers map[string][]string `json:"answers"`
}

// quizResponse is a quiz; questions carry "correct" for the owner only (the taker's view has no
// answer key, so it is left out).
type quizResponse struct {
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

func toQuizResponse(q *testresult.Quiz) quizResponse {
	questions := q.Questions()
	qs := make([]questionResponse, len(questions))
	for i, question := range questions {
		opts := question.Options()
		options := make([]optionPayload, len(opts))
		for j, o := range opts {
			options[j] = optionPayload(o)
		}
		qs[i] = questionResponse{ID: question.ID(), Text: question.Text(), Kind: question.Kind().String(), Category: question.Category(),
			Points: question.Points(), Options: options, Correct: question.Correct()}
	}
	return quizResponse{ID: q.ID(), OwnerID: string(q.OwnerID()), Title: q.Title(), MaxPoints: q.MaxScore(), Questions: qs, CreatedAt: q.CreatedAt()}
}

// submissionResponse is a submission: pending, scored with its result, or failed with the
// reason.
type submissionResponse struct {
	ID          string              `json:"id"`
	QuizID      string              `json:"test_id"`
	Status      string              `json:"status"`
	Answers     map[string][]string `json:"answers"`
	Result      *resultResponse     `json:"result,omitempty"`
	Reason      string              `json:"reason,omitempty"`
	SubmittedAt time.Time           `json:"submitted_at"`
	ScoredAt    *time.Time          `json:"scored_at,omitempty"`
}

type resultResponse struct {
	Points     int                      `json:"points"`
	MaxPoints  int                      `json:"max_points"`
	Percentage float64                  `json:"percentage"`
	Categories []categoryScoreResponse  `json:"categories"`
	Weakest    []string                 `json:"weakest_categories"`
	Report     string                   `json:"report"`
	Questions  []questionResultResponse `json:"questions"`
}

type categoryScoreResponse struct {
	Category   string  `json:"category"`
	Points     int     `json:"points"`
	MaxPoints  int     `json:"max_points"`
	Percentage float64 `json:"percentage"`
}

type questionResultResponse struct {
	ID      string `json:"id"`
	Correct bool   `json:"correct"`
	Points  int    `json:"points"`
}

func toSubmissionResponse(s *testresult.Submission) submissionResponse {
	r := submissionResponse{ID: s.ID(), QuizID: s.QuizID(), Status: s.Status().String(), Answers: s.Answers(),
		Reason: s.Reason(), SubmittedAt: s.SubmittedAt()}
	if result, ok := s.Result(); ok {
		res := toResultResponse(result)
		r.Result = &res
	}
	if at, ok := s.ScoredAt(); ok {
		r.ScoredAt = &at
	}
	return r
}

func toResultResponse(r testresult.Result) resultResponse {
	res := resultResponse{Points: r.Points, MaxPoints: r.MaxPoints, Percentage: r.Percentage, Weakest: r.Weakest, Report: r.Report}
	if r.Categories != nil { // a nil list stays null, as it was stored
		res.Categories = make([]categoryScoreResponse, len(r.Categories))
		for i, c := range r.Categories {
			res.Categories[i] = categoryScoreResponse(c)
		}
	}
	if r.Questions != nil {
		res.Questions = make([]questionResultResponse, len(r.Questions))
		for i, q := range r.Questions {
			res.Questions[i] = questionResultResponse(q)
		}
	}
	return res
}

// statsResponse is a quiz's statistics, for its owner.
type statsResponse struct {
	QuizID       string         `json:"test_id"`
	Attempts     int            `json:"attempts"`
	Mean         float64        `json:"mean_percentage"`
	Median       float64        `json:"median_percentage"`
	Distribution []bandResponse `json:"distribution"`
}

type bandResponse struct {
	From  int `json:"from"`
	To    int `json:"to"`
	Count int `json:"count"`
}

func toStatsResponse(s testresult.Stats) statsResponse {
	bands := make([]bandResponse, len(s.Distribution))
	for i, b := range s.Distribution {
		bands[i] = bandResponse(b)
	}
	return statsResponse{QuizID: s.QuizID, Attempts: s.Attempts, Mean: s.Mean, Median: s.Median, Distribution: bands}
}
