package testresult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

const (
	quizID = "0193a1e0-0000-7000-8000-000000000001"
	subID  = "0193a1e0-0000-7000-8000-000000000002"
)

var now = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func opts(ids ...string) []testresult.Option {
	out := make([]testresult.Option, len(ids))
	for i, id := range ids {
		out[i] = testresult.Option{ID: id, Text: "option " + id}
	}
	return out
}

// specs are four questions in three categories: go (4 points), sql (3 + 3), kafka (2).
func specs() []testresult.QuestionSpec {
	return []testresult.QuestionSpec{
		{ID: "q1", Text: "Which keyword starts a goroutine?", Kind: "single", Category: "go", Points: 4, Options: opts("a", "b", "c"), Correct: []string{"b"}},
		{ID: "q2", Text: "Which are isolation levels?", Kind: "multiple", Category: "sql", Points: 3, Options: opts("a", "b", "c"), Correct: []string{"a", "c"}},
		{ID: "q3", Text: "Which is an aggregate?", Kind: "single", Category: "sql", Points: 3, Options: opts("a", "b"), Correct: []string{"a"}},
		{ID: "q4", Text: "What orders records?", Kind: "single", Category: "kafka", Points: 2, Options: opts("a", "b"), Correct: []string{"b"}},
	}
}

// newQuiz is the quiz of specs, owned by "owner", with the default settings.
func newQuiz(t *testing.T) *testresult.Quiz {
	t.Helper()
	return newQuizWith(t, testresult.QuizSettings{})
}

// newQuizWith is newQuiz's quiz with the settings cfg.
func newQuizWith(t *testing.T, cfg testresult.QuizSettings) *testresult.Quiz {
	t.Helper()
	q, err := testresult.NewQuiz(quizID, "owner", "Backend basics", specs(), cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestNewQuizKeepsWhatItWasGiven(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	if q.ID() != quizID || q.OwnerID() != "owner" || q.Title() != "Backend basics" || !q.CreatedAt().Equal(now) {
		t.Errorf("quiz %+v", q.Snapshot())
	}
	if q.MaxScore() != 12 || len(q.Questions()) != 4 || !q.HasAnswerKey() {
		t.Errorf("max score %d, %d questions, key %v", q.MaxScore(), len(q.Questions()), q.HasAnswerKey())
	}
	q2 := q.Questions()[1]
	if q2.ID() != "q2" || q2.Kind() != testresult.KindMultiple || q2.Category() != "sql" || q2.Points() != 3 ||
		len(q2.Options()) != 3 || len(q2.Correct()) != 2 {
		t.Errorf("question 2: %s %s %s %d %v %v", q2.ID(), q2.Kind(), q2.Category(), q2.Points(), q2.Options(), q2.Correct())
	}
}

// A quiz never changes once created: neither the author's slices nor the accessors' copies
// reach it.
func TestQuizCannotBeChangedFromOutside(t *testing.T) {
	t.Parallel()
	in := specs()
	q, err := testresult.NewQuiz(quizID, "owner", "T", in, testresult.QuizSettings{}, now)
	if err != nil {
		t.Fatal(err)
	}
	in[0].Correct[0] = "a"
	in[0].Options[0].Text = "changed"
	q.Questions()[0].Correct()[0] = "c"
	q.Questions()[0].Options()[1].ID = "z"
	got := q.Questions()[0]
	if got.Correct()[0] != "b" || got.Options()[0].Text != "option a" || got.Options()[1].ID != "b" {
		t.Errorf("question 1 changed: %v %v", got.Options(), got.Correct())
	}
}

func TestNewQuizRefusesBrokenQuestions(t *testing.T) {
	t.Parallel()
	good := func() testresult.QuestionSpec {
		return testresult.QuestionSpec{ID: "q1", Text: "?", Kind: "single", Category: "c", Points: 1, Options: opts("a", "b"), Correct: []string{"a"}}
	}
	cases := []struct {
		name   string
		change func(*testresult.QuestionSpec)
		field  string
	}{
		{"no id", func(q *testresult.QuestionSpec) { q.ID = "" }, "questions[0].id"},
		{"no text", func(q *testresult.QuestionSpec) { q.Text = "" }, "questions[0].text"},
		{"unknown kind", func(q *testresult.QuestionSpec) { q.Kind = "essay" }, "questions[0].kind"},
		{"no category", func(q *testresult.QuestionSpec) { q.Category = "" }, "questions[0].category"},
		{"zero points", func(q *testresult.QuestionSpec) { q.Points = 0 }, "questions[0].points"},
		{"too many points", func(q *testresult.QuestionSpec) { q.Points = testresult.MaxPoints + 1 }, "questions[0].points"},
		{"one option", func(q *testresult.QuestionSpec) { q.Options = opts("a") }, "questions[0].options"},
		{"option without text", func(q *testresult.QuestionSpec) { q.Options[1].Text = "" }, "questions[0].options[1].text"},
		{"duplicate option", func(q *testresult.QuestionSpec) { q.Options = opts("a", "a") }, "questions[0].options[1].id"},
		{"two right for single", func(q *testresult.QuestionSpec) { q.Correct = []string{"a", "b"} }, "questions[0].correct"},
		{"no key", func(q *testresult.QuestionSpec) { q.Kind, q.Correct = "multiple", nil }, "questions[0].correct"},
		{"key not an option", func(q *testresult.QuestionSpec) { q.Correct = []string{"z"} }, "questions[0].correct"},
		{"key named twice", func(q *testresult.QuestionSpec) { q.Kind, q.Correct = "multiple", []string{"a", "a"} }, "questions[0].correct"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := good()
			tc.change(&q)
			_, err := testresult.NewQuiz(quizID, "owner", "T", []testresult.QuestionSpec{q}, testresult.QuizSettings{}, now)
			assertInvalid(t, err, tc.field)
		})
	}
}

func TestNewQuizRefusesABrokenQuiz(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		id        string
		owner     shared.UserID
		title     string
		questions []testresult.QuestionSpec
		field     string
	}{
		{"id not a UUID", "q-1", "owner", "T", specs(), "id"},
		{"no owner", quizID, "", "T", specs(), "user_id"},
		{"no title", quizID, "owner", "", specs(), "title"},
		{"no questions", quizID, "owner", "T", nil, "questions"},
		{"duplicate question ids", quizID, "owner", "T", append(specs(), specs()[0]), "questions[4].id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := testresult.NewQuiz(tc.id, tc.owner, tc.title, tc.questions, testresult.QuizSettings{}, now)
			assertInvalid(t, err, tc.field)
		})
	}
}

// Only the owner sees the answer key; everyone else gets the taker's view.
func TestAsSeenByHidesTheAnswerKeyFromTakers(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	for _, tc := range []struct {
		user    shared.UserID
		withKey bool
	}{{"owner", true}, {"taker", false}} {
		view := q.AsSeenBy(tc.user)
		if view.HasAnswerKey() != tc.withKey || view.MaxScore() != q.MaxScore() || view.Title() != q.Title() {
			t.Errorf("%s: key %v, max score %d", tc.user, view.HasAnswerKey(), view.MaxScore())
		}
		for _, question := range view.Questions() {
			if (len(question.Correct()) > 0) != tc.withKey || len(question.Options()) < 2 {
				t.Errorf("%s sees question %s with key %v and options %v", tc.user, question.ID(), question.Correct(), question.Options())
			}
		}
	}
	if !q.HasAnswerKey() || len(q.Questions()[0].Correct()) != 1 {
		t.Error("the taker's view took the key from the quiz itself")
	}
}

func TestOnlyTheOwnerReadsStatistics(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	if err := q.CheckStatsReader("owner"); err != nil {
		t.Errorf("owner: %v", err)
	}
	if err := q.CheckStatsReader("taker"); shared.KindOf(err) != shared.KindForbidden {
		t.Errorf("taker: %v, want forbidden", err)
	}
}

func TestRehydrateQuizRestoresTheSnapshot(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	back, err := testresult.RehydrateQuiz(q.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	a, b := q.Snapshot(), back.Snapshot()
	if a.ID != b.ID || a.OwnerID != b.OwnerID || a.Title != b.Title || !a.CreatedAt.Equal(b.CreatedAt) || len(a.Questions) != len(b.Questions) {
		t.Fatalf("rehydrated %+v, want %+v", b, a)
	}
	for i := range a.Questions {
		if a.Questions[i].Kind != b.Questions[i].Kind || a.Questions[i].Points != b.Questions[i].Points ||
			len(a.Questions[i].Correct) != len(b.Questions[i].Correct) {
			t.Errorf("question %d: %+v, want %+v", i, b.Questions[i], a.Questions[i])
		}
	}
	broken := q.Snapshot()
	broken.Questions[2].Kind = "essay"
	if _, err := testresult.RehydrateQuiz(broken); err == nil {
		t.Error("rehydrated a question of an unknown kind")
	}
}

func assertInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var e *shared.Error
	if shared.KindOf(err) != shared.KindInvalid || !errors.As(err, &e) || e.Field != field {
		t.Errorf("error %v, want invalid on %s", err, field)
	}
}
