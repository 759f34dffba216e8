package testresult_test

import (
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

const testID = "0193a1e0-0000-7000-8000-000000000001"
const subID = "0193a1e0-0000-7000-8000-000000000002"

var now = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func opts(ids ...string) []testresult.Option {
	out := make([]testresult.Option, len(ids))
	for i, id := range ids {
		out[i] = testresult.Option{ID: id, Text: "option " + id}
	}
	return out
}

// quiz has three categories: go (4 points), sql (3 + 3), kafka (2).
func quiz(t *testing.T) *testresult.Test {
	t.Helper()
	q, err := testresult.NewTest(testID, "owner", "Backend basics", []testresult.Question{
		{ID: "q1", Text: "Which keyword starts a goroutine?", Kind: testresult.KindSingle, Category: "go", Points: 4, Options: opts("a", "b", "c"), Correct: []string{"b"}},
		{ID: "q2", Text: "Which are isolation levels?", Kind: testresult.KindMultiple, Category: "sql", Points: 3, Options: opts("a", "b", "c"), Correct: []string{"a", "c"}},
		{ID: "q3", Text: "Which is an aggregate?", Kind: testresult.KindSingle, Category: "sql", Points: 3, Options: opts("a", "b"), Correct: []string{"a"}},
		{ID: "q4", Text: "What orders records?", Kind: testresult.KindSingle, Category: "kafka", Points: 2, Options: opts("a", "b"), Correct: []string{"b"}},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestScoreGivesPointsPercentageCategoriesWeakestAndReport(t *testing.T) {
	q := quiz(t)
	// go right (4), sql: q2 only partly right (0), q3 right (3), kafka wrong (0): 7 of 12.
	s, err := testresult.NewSubmission(subID, q, "taker", map[string][]string{
		"q1": {"b"}, "q2": {"a"}, "q3": {"a"}, "q4": {"a"},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Score(q, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	r := s.Result
	if s.Status != testresult.StatusScored || r.Points != 7 || r.MaxPoints != 12 || r.Percentage != 58.33 {
		t.Fatalf("status %s, %d of %d (%v%%), want scored 7 of 12 (58.33%%)", s.Status, r.Points, r.MaxPoints, r.Percentage)
	}
	want := []testresult.CategoryScore{
		{Category: "go", Points: 4, MaxPoints: 4, Percentage: 100},
		{Category: "kafka", Points: 0, MaxPoints: 2, Percentage: 0},
		{Category: "sql", Points: 3, MaxPoints: 6, Percentage: 50},
	}
	for i, c := range want {
		if r.Categories[i] != c {
			t.Errorf("category %d = %+v, want %+v", i, r.Categories[i], c)
		}
	}
	if strings.Join(r.Weakest, ",") != "kafka,sql" {
		t.Errorf("weakest = %v, want [kafka sql]", r.Weakest)
	}
	if wantReport := "You scored 7 of 12 points (58.33%). Strongest: go (100%). Work on: kafka (0%), sql (50%)."; r.Report != wantReport {
		t.Errorf("report = %q, want %q", r.Report, wantReport)
	}
	if err := s.Score(q, now); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("scoring twice: %v, want a conflict", err)
	}
}

func TestMultipleChoiceScoresOnlyTheExactSet(t *testing.T) {
	q := quiz(t)
	for _, tc := range []struct {
		picked []string
		points int
	}{{[]string{"a", "c"}, 3}, {[]string{"c", "a"}, 3}, {[]string{"a"}, 0}, {[]string{"a", "b", "c"}, 0}, {nil, 0}} {
		s, err := testresult.NewSubmission(subID, q, "taker", map[string][]string{"q2": tc.picked}, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Score(q, now); err != nil {
			t.Fatal(err)
		}
		if s.Result.Points != tc.points {
			t.Errorf("picked %v: %d points, want %d", tc.picked, s.Result.Points, tc.points)
		}
	}
}

func TestSubmissionRefusesAnswersThatDoNotFitTheTest(t *testing.T) {
	q := quiz(t)
	for name, answers := range map[string]map[string][]string{
		"unknown question": {"q9": {"a"}},
		"unknown option":   {"q1": {"z"}},
		"two for single":   {"q1": {"a", "b"}},
		"option twice":     {"q2": {"a", "a"}},
	} {
		if _, err := testresult.NewSubmission(subID, q, "taker", answers, now); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func TestNewTestRefusesBrokenQuestions(t *testing.T) {
	good := func() testresult.Question {
		return testresult.Question{ID: "q1", Text: "?", Kind: testresult.KindSingle, Category: "c", Points: 1, Options: opts("a", "b"), Correct: []string{"a"}}
	}
	for name, change := range map[string]func(*testresult.Question){
		"no kind":           func(q *testresult.Question) { q.Kind = "essay" },
		"no category":       func(q *testresult.Question) { q.Category = "" },
		"zero points":       func(q *testresult.Question) { q.Points = 0 },
		"one option":        func(q *testresult.Question) { q.Options = opts("a") },
		"two right single":  func(q *testresult.Question) { q.Correct = []string{"a", "b"} },
		"no key":            func(q *testresult.Question) { q.Kind, q.Correct = testresult.KindMultiple, nil },
		"key not an option": func(q *testresult.Question) { q.Correct = []string{"z"} },
		"duplicate option":  func(q *testresult.Question) { q.Options = opts("a", "a") },
	} {
		q := good()
		change(&q)
		if _, err := testresult.NewTest(testID, "owner", "T", []testresult.Question{q}, now); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := testresult.NewTest(testID, "owner", "T", []testresult.Question{good(), good()}, now); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("duplicate question ids: %v, want invalid", err)
	}
	if _, err := testresult.NewTest(testID, "owner", "T", nil, now); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("no questions: %v, want invalid", err)
	}
}

func TestSummarize(t *testing.T) {
	s := testresult.Summarize(testID, []float64{100, 50, 0, 75, 95})
	if s.Attempts != 5 || s.Mean != 64 || s.Median != 75 {
		t.Fatalf("attempts %d mean %v median %v, want 5, 64, 75", s.Attempts, s.Mean, s.Median)
	}
	counts := map[int]int{}
	for _, b := range s.Distribution {
		counts[b.From] = b.Count
	}
	if counts[0] != 1 || counts[50] != 1 || counts[70] != 1 || counts[90] != 2 || len(s.Distribution) != 10 {
		t.Errorf("distribution %+v", s.Distribution)
	}
	if even := testresult.Summarize(testID, []float64{10, 20}); even.Median != 15 {
		t.Errorf("median of 10 and 20 = %v, want 15", even.Median)
	}
	if empty := testresult.Summarize(testID, nil); empty.Attempts != 0 || empty.Mean != 0 {
		t.Errorf("empty = %+v", empty)
	}
}
