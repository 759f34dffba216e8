package postgres

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/sqlc-dev/pqtype"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// The JSON columns of the quiz tables (tests.questions, test_submissions.result) keep these
// shapes. Their keys are the stored format: rows written before must still read, so a key never
// changes with a rename in the domain.
type (
	questionJSON struct {
		ID       string       `json:"id"`
		Text     string       `json:"text"`
		Kind     string       `json:"kind"`
		Category string       `json:"category"`
		Points   int          `json:"points"`
		Options  []optionJSON `json:"options"`
		Correct  []string     `json:"correct"`
	}
	optionJSON struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	resultJSON struct {
		Points     int                  `json:"points"`
		MaxPoints  int                  `json:"max_points"`
		Percentage float64              `json:"percentage"`
		Categories []categoryJSON       `json:"categories"`
		Weakest    []string             `json:"weakest_categories"`
		Report     string               `json:"report"`
		Questions  []questionResultJSON `json:"questions"`
	}
	categoryJSON struct {
		Category   string  `json:"category"`
		Points     int     `json:"points"`
		MaxPoints  int     `json:"max_points"`
		Percentage float64 `json:"percentage"`
	}
	questionResultJSON struct {
		ID      string `json:"id"`
		Correct bool   `json:"correct"`
		Points  int    `json:"points"`
	}
)

// toDBQuiz is the row of a quiz's snapshot, its time at the microsecond.
func toDBQuiz(s testresult.QuizSnapshot) (db.InsertQuizParams, error) {
	id, ok := parseID(s.ID)
	if !ok {
		return db.InsertQuizParams{}, shared.Invalid("id", "must be a UUID")
	}
	questions := make([]questionJSON, len(s.Questions))
	for i, q := range s.Questions {
		questions[i] = questionJSON{ID: q.ID, Text: q.Text, Kind: q.Kind, Category: q.Category, Points: q.Points,
			Options: mapSlice(q.Options, func(o testresult.Option) optionJSON { return optionJSON(o) }), Correct: q.Correct}
	}
	encoded, err := json.Marshal(questions)
	if err != nil {
		return db.InsertQuizParams{}, fmt.Errorf("postgres: encode questions: %w", err)
	}
	return db.InsertQuizParams{ID: id, OwnerID: s.OwnerID, Title: s.Title, Questions: encoded, CreatedAt: toDBTime(s.CreatedAt),
		MaxAttempts: toDBMaxAttempts(s.Settings), Feedback: s.Settings.Feedback, StatsCount: s.Settings.StatsCount}, nil
}

// toDBMaxAttempts is the column max_attempts: NULL for no limit.
func toDBMaxAttempts(s testresult.QuizSettings) sql.NullInt32 {
	if s.UnlimitedAttempts {
		return sql.NullInt32{}
	}
	return sql.NullInt32{Int32: int32(s.MaxAttempts), Valid: true} //nolint:gosec // 1 to 100, checked by the domain and the table
}

// toDomainQuiz rebuilds a quiz from its row.
func toDomainQuiz(row db.Test) (*testresult.Quiz, error) {
	var questions []questionJSON
	if err := json.Unmarshal(row.Questions, &questions); err != nil {
		return nil, fmt.Errorf("postgres: quiz %s: questions: %w", row.ID, err)
	}
	s := testresult.QuizSnapshot{ID: row.ID.String(), OwnerID: row.OwnerID, Title: row.Title, CreatedAt: row.CreatedAt,
		Questions: make([]testresult.QuestionSpec, len(questions)),
		Settings: testresult.QuizSettings{MaxAttempts: int(row.MaxAttempts.Int32), UnlimitedAttempts: !row.MaxAttempts.Valid,
			Feedback: row.Feedback, StatsCount: row.StatsCount}}
	for i, q := range questions {
		s.Questions[i] = testresult.QuestionSpec{ID: q.ID, Text: q.Text, Kind: q.Kind, Category: q.Category, Points: q.Points,
			Options: mapSlice(q.Options, func(o optionJSON) testresult.Option { return testresult.Option(o) }), Correct: q.Correct}
	}
	quiz, err := testresult.RehydrateQuiz(s)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return quiz, nil
}

// storedSubmission returns sub with its times at the microsecond, as PostgreSQL keeps them, so
// that the row and the events written with it carry the same times.
func storedSubmission(sub *testresult.Submission) (*testresult.Submission, error) {
	s := sub.Snapshot()
	s.SubmittedAt, s.ScoredAt = toDBTime(s.SubmittedAt), toDBTime(s.ScoredAt)
	return testresult.RehydrateSubmission(s)
}

// toDBSubmission is the row of a new, pending submission.
func toDBSubmission(s testresult.SubmissionSnapshot) (db.InsertSubmissionParams, error) {
	id, ok1 := parseID(s.ID)
	quizID, ok2 := parseID(s.QuizID)
	if !ok1 || !ok2 {
		return db.InsertSubmissionParams{}, shared.Invalid("id", "must be a UUID")
	}
	answers, err := json.Marshal(s.Answers)
	if err != nil {
		return db.InsertSubmissionParams{}, fmt.Errorf("postgres: encode answers: %w", err)
	}
	return db.InsertSubmissionParams{ID: id, TestID: quizID, UserID: s.UserID, Attempt: int32(s.Attempt), //nolint:gosec // at most MaxMaxAttempts, or a count of rows
		Answers: answers, SubmittedAt: s.SubmittedAt}, nil
}

// toDBDecision is the update of a decided submission: scored with its result, or failed with
// the reason.
func toDBDecision(s testresult.SubmissionSnapshot) (db.DecideSubmissionParams, error) {
	id, ok := parseID(s.ID)
	if !ok {
		return db.DecideSubmissionParams{}, shared.Invalid("id", "must be a UUID")
	}
	p := db.DecideSubmissionParams{ID: id, Status: s.Status, Reason: s.Reason, ScoredAt: sql.NullTime{Time: s.ScoredAt, Valid: true}}
	if s.Result != nil {
		result, err := json.Marshal(toResultJSON(*s.Result))
		if err != nil {
			return db.DecideSubmissionParams{}, fmt.Errorf("postgres: encode result: %w", err)
		}
		p.Result = pqtype.NullRawMessage{RawMessage: result, Valid: true}
	}
	return p, nil
}

// toDomainSubmission rebuilds a submission from its row.
func toDomainSubmission(row db.TestSubmission) (*testresult.Submission, error) {
	s := testresult.SubmissionSnapshot{
		ID: row.ID.String(), QuizID: row.TestID.String(), UserID: row.UserID, Attempt: int(row.Attempt), Status: row.Status, Reason: row.Reason,
		SubmittedAt: row.SubmittedAt, ScoredAt: row.ScoredAt.Time,
	}
	if err := json.Unmarshal(row.Answers, &s.Answers); err != nil {
		return nil, fmt.Errorf("postgres: submission %s: answers: %w", row.ID, err)
	}
	if row.Result.Valid {
		var r resultJSON
		if err := json.Unmarshal(row.Result.RawMessage, &r); err != nil {
			return nil, fmt.Errorf("postgres: submission %s: result: %w", row.ID, err)
		}
		result := toDomainResult(r)
		s.Result = &result
	}
	sub, err := testresult.RehydrateSubmission(s)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return sub, nil
}

func toResultJSON(r testresult.Result) resultJSON {
	return resultJSON{
		Points: r.Points, MaxPoints: r.MaxPoints, Percentage: r.Percentage, Weakest: r.Weakest, Report: r.Report,
		Categories: mapSlice(r.Categories, func(c testresult.CategoryScore) categoryJSON { return categoryJSON(c) }),
		Questions:  mapSlice(r.Questions, func(q testresult.QuestionResult) questionResultJSON { return questionResultJSON(q) }),
	}
}

func toDomainResult(r resultJSON) testresult.Result {
	return testresult.Result{
		Points: r.Points, MaxPoints: r.MaxPoints, Percentage: r.Percentage, Weakest: r.Weakest, Report: r.Report,
		Categories: mapSlice(r.Categories, func(c categoryJSON) testresult.CategoryScore { return testresult.CategoryScore(c) }),
		Questions:  mapSlice(r.Questions, func(q questionResultJSON) testresult.QuestionResult { return testresult.QuestionResult(q) }),
	}
}

// mapSlice converts each element of in with f; nil stays nil, so a stored null reads back as
// one.
func mapSlice[In, Out any](in []In, f func(In) Out) []Out {
	if in == nil {
		return nil
	}
	out := make([]Out, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
