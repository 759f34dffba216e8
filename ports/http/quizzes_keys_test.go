package httpport_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/testresult"
)

// settingsBody is the settings part of a test as a client reads it.
type settingsBody struct {
	MaxAttempts *int   `json:"max_attempts"`
	Feedback    string `json:"feedback"`
	StatsCount  string `json:"stats_count"`
}

// With the defaults, a taker who tries to recover the key learns their score once: no right or
// wrong per question, no categories, and their second attempt is refused with 409
// attempts-exhausted. (Before, seven submissions gave a whole key away.)
func TestDefaultsKeepTheAnswerKeyFromATaker(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	quiz := f.createQuiz("alice")
	got := decodeJSON[settingsBody](t, f.do(request{method: http.MethodGet, path: "/v1/tests/" + quiz.ID, user: "bob"}))
	if got.MaxAttempts == nil || *got.MaxAttempts != 1 || got.Feedback != "score" || got.StatsCount != "first" {
		t.Fatalf("default settings %+v; want 1 attempt, score, first", got)
	}
	path := "/v1/tests/" + quiz.ID + "/submissions"
	rec := f.do(request{method: http.MethodPost, path: path, user: "bob", body: `{"answers":{"q1":["b"],"q2":["a"]}}`})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("first attempt: %d %s", rec.Code, rec.Body)
	}
	first := decodeJSON[submissionBody](t, rec)
	f.score(first, "bob")
	body := f.do(request{method: http.MethodGet, path: "/v1/submissions/" + first.ID, user: "bob"}).Body.String()
	var raw struct {
		Attempt int                        `json:"attempt"`
		Result  map[string]json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"questions", "categories", "weakest_categories"} {
		if _, ok := raw.Result[leak]; ok {
			t.Errorf("a taker's result shows %s: %s", leak, body)
		}
	}
	if raw.Attempt != 1 || string(raw.Result["feedback"]) != `"score"` || string(raw.Result["points"]) != "2" ||
		strings.Contains(string(raw.Result["report"]), "sql") || strings.Contains(string(raw.Result["report"]), "go") {
		t.Errorf("a taker's scored submission: %s", body)
	}
	p := decodeProblem(t, f.do(request{method: http.MethodPost, path: path, user: "bob", body: `{"answers":{"q1":["a"],"q2":["a"]}}`}),
		http.StatusConflict)
	if p.Type != "https://taskstream.dev/problems/attempts-exhausted" {
		t.Errorf("second attempt: %+v, want attempts-exhausted", p)
	}
}

// The owner sees right or wrong per question on their own submissions, however the test is set,
// and is never out of attempts.
func TestTheOwnerSeesEverythingOfTheirOwnSubmissions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	quiz := f.createQuiz("alice")
	for range 3 {
		rec := f.do(request{method: http.MethodPost, path: "/v1/tests/" + quiz.ID + "/submissions", user: "alice", body: `{"answers":{"q1":["b"]}}`})
		if rec.Code != http.StatusAccepted {
			t.Fatalf("the owner's attempt: %d %s", rec.Code, rec.Body)
		}
		s := decodeJSON[submissionBody](t, rec)
		f.score(s, "alice")
		got := decodeJSON[submissionBody](t, f.do(request{method: http.MethodGet, path: "/v1/submissions/" + s.ID, user: "alice"}))
		if got.Result == nil || len(got.Result.Questions) != 2 || !got.Result.Questions[0].Correct || len(got.Result.Categories) != 2 {
			t.Fatalf("the owner's result: %+v", got.Result)
		}
	}
}

// Attempt N+1 is refused; a retry of a stored attempt (its Idempotency-Key) is not, and names
// the same submission, shown as the feedback allows once it is scored.
func TestAttemptPastTheLimitIsRefusedButARetryIsNot(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	quiz := f.createQuizWith("alice", `"max_attempts":2`)
	path := "/v1/tests/" + quiz.ID + "/submissions"
	submit := func(key string) *httptest.ResponseRecorder {
		return f.do(request{method: http.MethodPost, path: path, user: "bob", body: `{"answers":{}}`, headers: map[string]string{"Idempotency-Key": key}})
	}
	ids := map[string]string{}
	for _, key := range []string{"k-1", "k-2"} {
		rec := submit(key)
		if rec.Code != http.StatusAccepted {
			t.Fatalf("attempt %s: %d %s", key, rec.Code, rec.Body)
		}
		ids[key] = decodeJSON[submissionBody](t, rec).ID
	}
	p := decodeProblem(t, submit("k-3"), http.StatusConflict)
	if !strings.HasSuffix(p.Type, "/attempts-exhausted") {
		t.Errorf("attempt 3: %+v", p)
	}
	f.score(submissionBody{ID: ids["k-1"], QuizID: quiz.ID}, "bob")
	rec := submit("k-1")
	retried := decodeJSON[submissionBody](t, rec)
	if rec.Code != http.StatusAccepted || retried.ID != ids["k-1"] || retried.Status != "scored" {
		t.Errorf("the retry of attempt 1: %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), `"questions"`) || strings.Contains(rec.Body.String(), `"categories"`) {
		t.Errorf("the retry of a scored attempt shows more than the score: %s", rec.Body)
	}
	if rec := f.do(request{method: http.MethodPost, path: path, user: "carol", body: `{"answers":{}}`}); rec.Code != http.StatusAccepted {
		t.Errorf("another taker's first attempt: %d", rec.Code)
	}
}

func TestCreateTestSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	for settings, status := range map[string]int{
		`"max_attempts":0`:          http.StatusUnprocessableEntity,
		`"max_attempts":101`:        http.StatusUnprocessableEntity,
		`"feedback":"categories"`:   http.StatusUnprocessableEntity,
		`"stats_count":"best"`:      http.StatusUnprocessableEntity,
		`"max_attempts":"3"`:        http.StatusBadRequest,
		`"feedback":null`:           http.StatusBadRequest,
		`"stats_count":null`:        http.StatusBadRequest,
		`"max_attempts":-1`:         http.StatusUnprocessableEntity,
		`"max_attempts":100`:        http.StatusCreated,
		`"max_attempts":null`:       http.StatusCreated,
		`"feedback":"per_question"`: http.StatusCreated,
		`"stats_count":"all"`:       http.StatusCreated,
	} {
		rec := f.do(request{method: http.MethodPost, path: "/v1/tests", user: "alice", body: withSettings(settings)})
		if rec.Code != status {
			t.Errorf("%s: %d, want %d: %s", settings, rec.Code, status, rec.Body)
		}
	}
	unlimited := decodeJSON[settingsBody](t, f.do(request{method: http.MethodPost, path: "/v1/tests", user: "alice",
		body: withSettings(`"max_attempts":null,"feedback":"per_question","stats_count":"all"`)}))
	if unlimited.MaxAttempts != nil || unlimited.Feedback != "per_question" || unlimited.StatsCount != "all" {
		t.Errorf("created %+v", unlimited)
	}
}

// The statistics count each taker's first scored attempt unless the owner chose all of them.
func TestStatsCountFirstAttemptsUnlessTheOwnerSaysAll(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	record := command.NewRecordQuizScoreHandler(f.quizzes)
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for settings, want := range map[string]struct {
		counted  string
		attempts int
		mean     float64
	}{"": {"first", 2, 40}, `"stats_count":"all"`: {"all", 3, 60}} {
		quiz := f.createQuizWith("alice", settings)
		for i, e := range []testresult.Scored{
			{UserID: "bob", Percentage: 100, Points: 5, SubmittedAt: at.Add(time.Hour)},
			{UserID: "bob", Percentage: 20, Points: 1, SubmittedAt: at},
			{UserID: "carol", Percentage: 60, Points: 3, SubmittedAt: at},
		} {
			e.SubmissionID, e.QuizID, e.MaxPoints = uuid.NewString(), quiz.ID, 5
			if _, err := record.Handle(context.Background(), command.RecordQuizScore{Event: e}); err != nil {
				t.Fatal(i, err)
			}
		}
		rec := f.do(request{method: http.MethodGet, path: "/v1/tests/" + quiz.ID + "/stats", user: "alice"})
		var stats struct {
			statsBody
			Counted string `json:"counted"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &stats); err != nil {
			t.Fatal(err)
		}
		if stats.Counted != want.counted || stats.Attempts != want.attempts || stats.Mean != want.mean {
			t.Errorf("settings %q: %+v, want %+v", settings, stats, want)
		}
	}
}
