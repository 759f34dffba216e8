package httpport

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// The bodies of the /v1/tests and /v1/submissions endpoints. Their JSON is the public contract
// (openapi.yaml: Test, Submission, TestResult, TestStats), which calls a quiz a test; the named
// converters below are the only crossings between it and the domain.

// createQuizRequest is the body of POST /v1/tests. The settings are optional to tell an absent
// field (the safe default) from null: null max_attempts means no limit, a null feedback or
// stats_count is refused.
type createQuizRequest struct {
	Title       string            `json:"title"`
	Questions   []questionRequest `json:"questions"`
	MaxAttempts optional[int]     `json:"max_attempts"`
	Feedback    optional[string]  `json:"feedback"`
	StatsCount  optional[string]  `json:"stats_count"`
}

// toQuizSettings converts the owner's choices; absent ones take the domain's safe defaults, and
// the domain validates the rest (testresult.NewQuiz). A max_attempts sent as 0 is refused here:
// the domain reads 0 as "the default", which the client did not ask for.
func toQuizSettings(req createQuizRequest) (testresult.QuizSettings, error) {
	switch {
	case req.Feedback.null:
		return testresult.QuizSettings{}, malformed("feedback", "must not be null")
	case req.StatsCount.null:
		return testresult.QuizSettings{}, malformed("stats_count", "must not be null")
	case req.MaxAttempts.set && !req.MaxAttempts.null && req.MaxAttempts.value < 1:
		return testresult.QuizSettings{}, shared.Invalid("max_attempts", "must be 1 to %d, or null for unlimited", testresult.MaxMaxAttempts)
	}
	return testresult.QuizSettings{MaxAttempts: req.MaxAttempts.value, UnlimitedAttempts: req.MaxAttempts.null,
		Feedback: req.Feedback.value, StatsCount: req.StatsCount.value}, nil
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
// answer key, so it is left out). The settings are shown to everyone: a taker should know how
// many attempts they get and what a result will tell them. MaxAttempts is null for no limit.
type quizResponse struct {
	ID          string             `json:"id"`
	OwnerID     string             `json:"owner_id"`
	Title       string             `json:"title"`
	MaxPoints   int                `json:"max_points"`
	MaxAttempts *int               `json:"max_attempts"`
	Feedback    string             `json:"feedback"`
	StatsCount  string             `json:"stats_count"`
	Questions   []questionResponse `json:"questions"`
	CreatedAt   time.Time          `json:"created_at"`
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
	r := quizResponse{ID: q.ID(), OwnerID: string(q.OwnerID()), Title: q.Title(), MaxPoints: q.MaxScore(), Questions: qs, CreatedAt: q.CreatedAt(),
		Feedback: q.Feedback().String(), StatsCount: q.StatsCount().String()}
	if n, limited := q.MaxAttempts(); limited {
		r.MaxAttempts = &n
	}
	return r
}

// submissionResponse is a submission: pending, scored with its result, or failed with the
// reason.
type submissionResponse struct {
	ID          string              `json:"id"`
	QuizID      string              `json:"test_id"`
	Status      string              `json:"status"`
	Attempt     int                 `json:"attempt"`
	Answers     map[string][]string `json:"answers"`
	Result      *resultResponse     `json:"result,omitempty"`
	Reason      string              `json:"reason,omitempty"`
	SubmittedAt time.Time           `json:"submitted_at"`
	ScoredAt    *time.Time          `json:"scored_at,omitempty"`
}

// resultResponse is a scored submission's result as its submitter may see it: Feedback says
// which. Score-only feedback leaves out the categories, the weakest categories and the
// questions (pointers, so that an empty list of the whole result still shows).
type resultResponse struct {
	Feedback   string                    `json:"feedback"`
	Points     int                       `json:"points"`
	MaxPoints  int                       `json:"max_points"`
	Percentage float64                   `json:"percentage"`
	Categories *[]categoryScoreResponse  `json:"categories,omitempty"`
	Weakest    *[]string                 `json:"weakest_categories,omitempty"`
	Report     string                    `json:"report"`
	Questions  *[]questionResultResponse `json:"questions,omitempty"`
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
	r := submissionResponse{ID: s.ID(), QuizID: s.QuizID(), Status: s.Status().String(), Attempt: s.Attempt(), Answers: s.Answers(),
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
	res := resultResponse{Feedback: testresult.FeedbackScore.String(), Points: r.Points, MaxPoints: r.MaxPoints, Percentage: r.Percentage, Report: r.Report}
	if r.ScoreOnly {
		return res
	}
	res.Feedback = testresult.FeedbackPerQuestion.String()
	categories := make([]categoryScoreResponse, len(r.Categories))
	for i, c := range r.Categories {
		categories[i] = categoryScoreResponse(c)
	}
	questions := make([]questionResultResponse, len(r.Questions))
	for i, q := range r.Questions {
		questions[i] = questionResultResponse(q)
	}
	weakest := append([]string{}, r.Weakest...)
	res.Categories, res.Weakest, res.Questions = &categories, &weakest, &questions
	return res
}

// statsResponse is a quiz's statistics, for its owner: Attempts counts what Counted says.
type statsResponse struct {
	QuizID       string         `json:"test_id"`
	Counted      string         `json:"counted"`
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
	return statsResponse{QuizID: s.QuizID, Counted: s.Counted.String(), Attempts: s.Attempts, Mean: s.Mean, Median: s.Median, Distribution: bands}
}
