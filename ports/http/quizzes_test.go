package httpport_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/testresult"
)

// quizBody is a quiz with two categories: go (q1, 2 points, single) and sql (q2, 3 points,
// multiple).
const quizJSON = `{"title":"Backend basics","questions":[
 {"id":"q1","text":"Which keyword starts a goroutine?","kind":"single","category":"go","points":2,
  "options":[{"id":"a","text":"defer"},{"id":"b","text":"go"}],"correct":["b"]},
 {"id":"q2","text":"Which are isolation levels?","kind":"multiple","category":"sql","points":3,
  "options":[{"id":"a","text":"serializable"},{"id":"b","text":"eventual"},{"id":"c","text":"read committed"}],"correct":["a","c"]}]}`

type quizBody struct {
	ID        string `json:"id"`
	OwnerID   string `json:"owner_id"`
	MaxPoints int    `json:"max_points"`
	Questions []struct {
		ID      string   `json:"id"`
		Correct []string `json:"correct"`
	} `json:"questions"`
}

type submissionBody struct {
	ID     string      `json:"id"`
	QuizID string      `json:"test_id"`
	Status string      `json:"status"`
	Reason string      `json:"reason"`
	Result *resultBody `json:"result"`
}

type resultBody struct {
	Points     int      `json:"points"`
	MaxPoints  int      `json:"max_points"`
	Percentage float64  `json:"percentage"`
	Weakest    []string `json:"weakest_categories"`
	Report     string   `json:"report"`
	Categories []struct {
		Category string `json:"category"`
		Points   int    `json:"points"`
	} `json:"categories"`
	Questions []struct {
		ID      string `json:"id"`
		Correct bool   `json:"correct"`
	} `json:"questions"`
}

type statsBody struct {
	QuizID       string  `json:"test_id"`
	Attempts     int     `json:"attempts"`
	Mean         float64 `json:"mean_percentage"`
	Median       float64 `json:"median_percentage"`
	Distribution []struct {
		From  int `json:"from"`
		To    int `json:"to"`
		Count int `json:"count"`
	} `json:"distribution"`
}

func (f *fixture) createQuiz(owner string) quizBody {
	f.t.Helper()
	return f.createQuizWith(owner, "")
}

// withSettings is quizJSON with the settings fields (a JSON fragment such as
// `"max_attempts":null`) added; "" leaves the defaults.
func withSettings(settings string) string {
	if settings == "" {
		return quizJSON
	}
	return strings.Replace(quizJSON, `{"title":"Backend basics",`, `{"title":"Backend basics",`+settings+`,`, 1)
}

// createQuizWith creates the quiz of quizJSON with settings (see withSettings).
func (f *fixture) createQuizWith(owner, settings string) quizBody {
	f.t.Helper()
	rec := f.do(request{method: http.MethodPost, path: "/v1/tests", user: owner, body: withSettings(settings)})
	if rec.Code != http.StatusCreated {
		f.t.Fatalf("create test: %d %s", rec.Code, rec.Body)
	}
	return decodeJSON[quizBody](f.t, rec)
}

// score runs the result calculator's use case on the submission, as its consumer would.
func (f *fixture) score(s submissionBody, user string) {
	f.t.Helper()
	res, err := command.NewScoreSubmissionsHandler(f.quizzes, f.tasks.clock.now).Handle(context.Background(), command.ScoreSubmissions{
		Items: []command.ScoreItem{{Event: testresult.Submitted{SubmissionID: s.ID, QuizID: s.QuizID, UserID: user}}},
	})
	if err != nil || res.Stored != 1 {
		f.t.Fatalf("score: %+v %v", res, err)
	}
}

func TestOnlyTheOwnerSeesTheAnswerKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	created := f.createQuiz("alice")
	if created.MaxPoints != 5 || len(created.Questions[0].Correct) != 1 {
		t.Fatalf("created: %+v", created)
	}
	for user, withKey := range map[string]bool{"alice": true, "bob": false} {
		got := decodeJSON[quizBody](t, f.do(request{method: http.MethodGet, path: "/v1/tests/" + created.ID, user: user}))
		for _, q := range got.Questions {
			if (len(q.Correct) > 0) != withKey {
				t.Errorf("%s sees question %s with key %v", user, q.ID, q.Correct)
			}
		}
	}
	if rec := f.do(request{method: http.MethodGet, path: "/v1/tests/" + uuid.NewString(), user: "bob"}); rec.Code != http.StatusNotFound {
		t.Errorf("unknown test: %d", rec.Code)
	}
}

func TestSubmitAnswers202ThenScoredResult(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	quiz := f.createQuizWith("alice", `"feedback":"per_question"`)
	rec := f.do(request{method: http.MethodPost, path: "/v1/tests/" + quiz.ID + "/submissions", user: "bob",
		body: `{"answers":{"q1":["b"],"q2":["a"]}}`})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	pending := decodeJSON[submissionBody](t, rec)
	location := rec.Header().Get("Location")
	if pending.Status != "pending" || location != "/v1/submissions/"+pending.ID {
		t.Fatalf("submitted: %+v at %q", pending, location)
	}
	if got := decodeJSON[submissionBody](t, f.do(request{method: http.MethodGet, path: location, user: "bob"})); got.Status != "pending" || got.Result != nil {
		t.Fatalf("before scoring: %+v", got)
	}
	f.score(pending, "bob")
	got := decodeJSON[submissionBody](t, f.do(request{method: http.MethodGet, path: location, user: "bob"}))
	if got.Status != "scored" || got.Result == nil || got.Result.Points != 2 || got.Result.MaxPoints != 5 || got.Result.Percentage != 40 ||
		strings.Join(got.Result.Weakest, ",") != "sql" || got.Result.Report == "" || len(got.Result.Categories) != 2 ||
		got.Result.Categories[0].Category != "go" || got.Result.Categories[0].Points != 2 ||
		len(got.Result.Questions) != 2 || !got.Result.Questions[0].Correct || got.Result.Questions[1].Correct {
		t.Fatalf("after scoring: %+v %+v", got, got.Result)
	}
	if rec := f.do(request{method: http.MethodGet, path: location, user: "alice"}); rec.Code != http.StatusNotFound {
		t.Errorf("another user's submission: %d, want 404", rec.Code)
	}
}

func TestSubmitRefusesAnswersThatDoNotFit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	quiz := f.createQuiz("alice")
	path := "/v1/tests/" + quiz.ID + "/submissions"
	for body, status := range map[string]int{
		`{"answers":{"q9":["a"]}}`:     http.StatusUnprocessableEntity,
		`{"answers":{"q1":["a","b"]}}`: http.StatusUnprocessableEntity,
		`{"answers":{"q1":["z"]}}`:     http.StatusUnprocessableEntity,
		`{}`:                           http.StatusBadRequest,
		`{"answers":{"q1":"a"}}`:       http.StatusBadRequest,
	} {
		decodeProblem(t, f.do(request{method: http.MethodPost, path: path, user: "bob", body: body}), status)
	}
	decodeProblem(t, f.do(request{method: http.MethodPost, path: "/v1/tests/" + uuid.NewString() + "/submissions", user: "bob",
		body: `{"answers":{}}`}), http.StatusNotFound)
}

func TestStatsAreTheOwnersAlone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	quiz := f.createQuiz("alice")
	record := command.NewRecordQuizScoreHandler(f.quizzes)
	for i, p := range []float64{100, 40, 60} {
		e := testresult.Scored{SubmissionID: uuid.NewString(), QuizID: quiz.ID, UserID: fmt.Sprint("taker-", i), Points: i, MaxPoints: 5, Percentage: p}
		if _, err := record.Handle(context.Background(), command.RecordQuizScore{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	stats := decodeJSON[statsBody](t, f.do(request{method: http.MethodGet, path: "/v1/tests/" + quiz.ID + "/stats", user: "alice"}))
	if stats.QuizID != quiz.ID || stats.Attempts != 3 || stats.Mean != 66.67 || stats.Median != 60 || len(stats.Distribution) != 10 ||
		stats.Distribution[4].Count != 1 || stats.Distribution[6].Count != 1 || stats.Distribution[9].Count != 1 || stats.Distribution[9].To != 100 {
		t.Fatalf("stats: %+v", stats)
	}
	decodeProblem(t, f.do(request{method: http.MethodGet, path: "/v1/tests/" + quiz.ID + "/stats", user: "bob"}), http.StatusForbidden)
}

// testOpenAPICases are TestResponsesMatchOpenAPI's requests to the test-results routes.
func testOpenAPICases(f *fixture) []openAPICase {
	quiz := f.createQuizWith("alice", `"max_attempts":null,"feedback":"per_question","stats_count":"all"`)
	limited := f.createQuiz("alice")
	post := func(path, body string, headers map[string]string) request {
		return request{method: http.MethodPost, path: path, user: "bob", body: body, headers: headers}
	}
	get := func(path, user string) request { return request{method: http.MethodGet, path: path, user: user} }
	submissions := "/v1/tests/" + quiz.ID + "/submissions"
	scored := decodeJSON[submissionBody](f.t, f.do(post(submissions, `{"answers":{"q1":["b"]}}`, nil)))
	f.score(scored, "bob")
	pending := f.do(post(submissions, `{"answers":{}}`, nil)).Header().Get("Location")
	f.do(post("/v1/tests", quizJSON, map[string]string{"Idempotency-Key": "quiz-1"}))
	scoreOnly := decodeJSON[submissionBody](f.t, f.do(post("/v1/tests/"+limited.ID+"/submissions", `{"answers":{"q1":["b"]}}`, nil)))
	f.score(scoreOnly, "bob")
	const one = "/v1/tests/{id}"
	return []openAPICase{
		{"test create 201", "/v1/tests", post("/v1/tests", quizJSON, nil), http.StatusCreated, true},
		{"test create 200 for a retried key", "/v1/tests", post("/v1/tests", quizJSON, map[string]string{"Idempotency-Key": "quiz-1"}), http.StatusOK, true},
		{"test create 422", "/v1/tests", post("/v1/tests", `{"title":"t","questions":[]}`, nil), http.StatusUnprocessableEntity, false},
		{"test get 200 owner", one, get("/v1/tests/"+quiz.ID, "alice"), http.StatusOK, true},
		{"test get 200 taker", one, get("/v1/tests/"+quiz.ID, "bob"), http.StatusOK, true},
		{"test get 404", one, get("/v1/tests/"+uuid.NewString(), "bob"), http.StatusNotFound, true},
		{"test submit 202", one + "/submissions", post(submissions, `{"answers":{"q2":["a","c"]}}`, nil), http.StatusAccepted, true},
		{"test submit 422", one + "/submissions", post(submissions, `{"answers":{"q9":[]}}`, nil), http.StatusUnprocessableEntity, true},
		{"test submit 409 attempts exhausted", one + "/submissions", post("/v1/tests/"+limited.ID+"/submissions", `{"answers":{}}`, nil), http.StatusConflict, true},
		{"test get 200 limited", one, get("/v1/tests/"+limited.ID, "bob"), http.StatusOK, true},
		{"submission get 200 score only", "/v1/submissions/{id}", get("/v1/submissions/"+scoreOnly.ID, "bob"), http.StatusOK, true},
		{"test stats 200", one + "/stats", get("/v1/tests/"+quiz.ID+"/stats", "alice"), http.StatusOK, true},
		{"test stats 403", one + "/stats", get("/v1/tests/"+quiz.ID+"/stats", "bob"), http.StatusForbidden, true},
		{"submission get 200 scored", "/v1/submissions/{id}", get("/v1/submissions/"+scored.ID, "bob"), http.StatusOK, true},
		{"submission get 200 pending", "/v1/submissions/{id}", get(pending, "bob"), http.StatusOK, true},
		{"submission get 404", "/v1/submissions/{id}", get("/v1/submissions/"+scored.ID, "alice"), http.StatusNotFound, true},
	}
}
