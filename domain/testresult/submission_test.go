package testresult_test

import (
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

func newSubmission(t *testing.T, q *testresult.Quiz, answers map[string][]string) *testresult.Submission {
	t.Helper()
	s, err := testresult.NewSubmission(subID, q, "taker", answers, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSubmissionIsPending(t *testing.T) {
	t.Parallel()
	s := newSubmission(t, newQuiz(t), nil)
	if s.ID() != subID || s.QuizID() != quizID || s.UserID() != "taker" || !s.IsPending() || s.Status() != testresult.StatusPending ||
		!s.SubmittedAt().Equal(now) || s.Answers() == nil || len(s.Answers()) != 0 {
		t.Errorf("submission %+v", s.Snapshot())
	}
	if _, scored := s.ScoredAt(); scored {
		t.Error("a new submission has a scored time")
	}
	if _, ok := s.Result(); ok {
		t.Error("a new submission has a result")
	}
}

func TestNewSubmissionRefusesAnswersThatDoNotFitTheQuiz(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	cases := []struct {
		name    string
		id      string
		user    shared.UserID
		answers map[string][]string
		field   string
	}{
		{"id not a UUID", "s1", "taker", nil, "id"},
		{"no user", subID, "", nil, "user_id"},
		{"unknown question", subID, "taker", map[string][]string{"q9": {"a"}}, "answers"},
		{"unknown option", subID, "taker", map[string][]string{"q1": {"z"}}, "answers.q1"},
		{"two for single", subID, "taker", map[string][]string{"q1": {"a", "b"}}, "answers.q1"},
		{"option twice", subID, "taker", map[string][]string{"q2": {"a", "a"}}, "answers.q2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := testresult.NewSubmission(tc.id, q, tc.user, tc.answers, now)
			assertInvalid(t, err, tc.field)
		})
	}
}

func TestScoreGivesPointsPercentageCategoriesWeakestAndReport(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	// go right (4), sql: q2 only partly right (0), q3 right (3), kafka wrong (0): 7 of 12.
	s := newSubmission(t, q, map[string][]string{"q1": {"b"}, "q2": {"a"}, "q3": {"a"}, "q4": {"a"}})
	scoredAt := now.Add(time.Second)
	if err := s.Score(q, scoredAt); err != nil {
		t.Fatal(err)
	}
	r, ok := s.Result()
	if !ok || s.Status() != testresult.StatusScored || r.Points != 7 || r.MaxPoints != 12 || r.Percentage != 58.33 {
		t.Fatalf("status %s, %d of %d (%v%%), want scored 7 of 12 (58.33%%)", s.Status(), r.Points, r.MaxPoints, r.Percentage)
	}
	if at, ok := s.ScoredAt(); !ok || !at.Equal(scoredAt) {
		t.Errorf("scored at %v", at)
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
	wantQuestions := []testresult.QuestionResult{{ID: "q1", Correct: true, Points: 4}, {ID: "q2"}, {ID: "q3", Correct: true, Points: 3}, {ID: "q4"}}
	for i, qr := range wantQuestions {
		if r.Questions[i] != qr {
			t.Errorf("question %d = %+v, want %+v", i, r.Questions[i], qr)
		}
	}
}

func TestFullMarksNameNoWeakestCategory(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	s := newSubmission(t, q, map[string][]string{"q1": {"b"}, "q2": {"c", "a"}, "q3": {"a"}, "q4": {"b"}})
	if err := s.Score(q, now); err != nil {
		t.Fatal(err)
	}
	r, _ := s.Result()
	if r.Percentage != 100 || r.Weakest == nil || len(r.Weakest) != 0 || !strings.HasSuffix(r.Report, "Every category full marks.") {
		t.Errorf("result %+v", r)
	}
}

func TestMultipleChoiceScoresOnlyTheExactSet(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	for _, tc := range []struct {
		picked []string
		points int
	}{{[]string{"a", "c"}, 3}, {[]string{"c", "a"}, 3}, {[]string{"a"}, 0}, {[]string{"a", "b", "c"}, 0}, {nil, 0}} {
		s := newSubmission(t, q, map[string][]string{"q2": tc.picked})
		if err := s.Score(q, now); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.Result(); r.Points != tc.points {
			t.Errorf("picked %v: %d points, want %d", tc.picked, r.Points, tc.points)
		}
	}
}

// A submission is decided once: scored or failed, it refuses every later decision.
func TestADecidedSubmissionRefusesAnotherDecision(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	decide := map[string]func(*testresult.Submission) error{
		"score": func(s *testresult.Submission) error { return s.Score(q, now) },
		"fail":  func(s *testresult.Submission) error { return s.Fail("broken", now) },
		"grade": func(s *testresult.Submission) error { return s.Grade(q, now) },
	}
	for first, decideFirst := range decide {
		for then, decideThen := range decide {
			s := newSubmission(t, q, map[string][]string{"q1": {"b"}})
			if err := decideFirst(s); err != nil {
				t.Fatalf("%s: %v", first, err)
			}
			before := s.Snapshot()
			if err := decideThen(s); shared.KindOf(err) != shared.KindConflict {
				t.Errorf("%s after %s: %v, want a conflict", then, first, err)
			}
			if after := s.Snapshot(); after.Status != before.Status || after.Reason != before.Reason {
				t.Errorf("%s after %s changed the submission: %+v", then, first, after)
			}
		}
	}
}

func TestScoreRefusesAnotherQuizAndTheTakersView(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	other, err := testresult.NewQuiz("0193a1e0-0000-7000-8000-0000000000ff", "owner", "Other", specs(), testresult.QuizSettings{}, now)
	if err != nil {
		t.Fatal(err)
	}
	s := newSubmission(t, q, map[string][]string{"q1": {"b"}})
	if err := s.Score(other, now); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("another quiz: %v, want invalid", err)
	}
	if err := s.Score(q.ForTaker(), now); err == nil || shared.KindOf(err) == shared.KindInvalid {
		t.Errorf("the taker's view: %v, want an internal error (it must not fail the submission)", err)
	}
	if !s.IsPending() {
		t.Errorf("refused scorings decided the submission: %s", s.Status())
	}
}

// Answers that no longer fit the quiz (a stored row altered by hand, say) fail the submission
// with the reason instead of scoring it.
func TestGradeFailsASubmissionThatCannotBeScored(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	snap := newSubmission(t, q, nil).Snapshot()
	snap.Answers = map[string][]string{"q7": {"a"}}
	s, err := testresult.RehydrateSubmission(snap)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Grade(q, now); err != nil {
		t.Fatal(err)
	}
	if s.Status() != testresult.StatusFailed || s.Reason() != `answers: the test has no question "q7"` {
		t.Errorf("status %s, reason %q", s.Status(), s.Reason())
	}
	if _, ok := s.ScoredEvent(q); ok {
		t.Error("a failed submission has a scored event")
	}
	good := newSubmission(t, q, map[string][]string{"q1": {"b"}})
	if err := good.Grade(q, now); err != nil || good.Status() != testresult.StatusScored {
		t.Errorf("grading a fitting submission: %v, %s", err, good.Status())
	}
}

func TestFailNeedsAReason(t *testing.T) {
	t.Parallel()
	s := newSubmission(t, newQuiz(t), nil)
	assertInvalid(t, s.Fail("", now), "reason")
	if !s.IsPending() {
		t.Error("failing without a reason decided the submission")
	}
}

// An event decides a submission only when it names the submission's user and quiz.
func TestCheckEventComparesUserAndQuiz(t *testing.T) {
	t.Parallel()
	s := newSubmission(t, newQuiz(t), nil)
	cases := []struct {
		name  string
		event testresult.Submitted
		ok    bool
	}{
		{"its own event", s.SubmittedEvent(), true},
		{"another user", testresult.Submitted{SubmissionID: subID, QuizID: quizID, UserID: "mallory"}, false},
		{"another quiz", testresult.Submitted{SubmissionID: subID, QuizID: "0193a1e0-0000-7000-8000-0000000000ff", UserID: "taker"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := s.CheckEvent(tc.event)
			if tc.ok && err != nil || !tc.ok && shared.KindOf(err) != shared.KindInvalid {
				t.Errorf("CheckEvent = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestEventsOfASubmission(t *testing.T) {
	t.Parallel()
	q := newQuizWith(t, testresult.QuizSettings{Feedback: "per_question"})
	s := newSubmission(t, q, map[string][]string{"q1": {"b"}})
	if got := s.SubmittedEvent(); got != (testresult.Submitted{SubmissionID: subID, QuizID: quizID, UserID: "taker", SubmittedAt: now}) {
		t.Errorf("submitted event %+v", got)
	}
	if _, ok := s.ScoredEvent(q); ok {
		t.Error("a pending submission has a scored event")
	}
	scoredAt := now.Add(time.Minute)
	if err := s.Score(q, scoredAt); err != nil {
		t.Fatal(err)
	}
	ev, ok := s.ScoredEvent(q)
	if !ok || ev.SubmissionID != subID || ev.QuizID != quizID || ev.QuizTitle != "Backend basics" || ev.UserID != "taker" ||
		ev.Points != 4 || ev.MaxPoints != 12 || ev.Percentage != 33.33 || len(ev.Categories) != 3 ||
		strings.Join(ev.Weakest, ",") != "kafka,sql" || !ev.SubmittedAt.Equal(now) || !ev.ScoredAt.Equal(scoredAt) {
		t.Errorf("scored event %+v", ev)
	}
	if err := ev.Validate(); err != nil {
		t.Errorf("the domain's own scored event is invalid: %v", err)
	}
}

func TestRehydrateSubmissionRestoresTheSnapshot(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	s := newSubmission(t, q, map[string][]string{"q1": {"b"}})
	if err := s.Score(q, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	back, err := testresult.RehydrateSubmission(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := back.Result()
	at, _ := back.ScoredAt()
	if back.Status() != testresult.StatusScored || r.Points != 4 || r.Report == "" || !at.Equal(now.Add(time.Second)) ||
		back.Answers()["q1"][0] != "b" || back.UserID() != "taker" || back.QuizID() != quizID {
		t.Errorf("rehydrated %+v", back.Snapshot())
	}
	cases := map[string]func(*testresult.SubmissionSnapshot){
		"unknown status":    func(s *testresult.SubmissionSnapshot) { s.Status = "lost" },
		"scored, no result": func(s *testresult.SubmissionSnapshot) { s.Result = nil },
		"pending, a result": func(s *testresult.SubmissionSnapshot) { s.Status = "pending" },
		"failed, a result":  func(s *testresult.SubmissionSnapshot) { s.Status = "failed" },
		"empty status":      func(s *testresult.SubmissionSnapshot) { s.Status = "" },
	}
	for name, change := range cases {
		snap := s.Snapshot()
		change(&snap)
		if _, err := testresult.RehydrateSubmission(snap); err == nil {
			t.Errorf("%s: rehydrated", name)
		}
	}
}

// A submission hands out copies: changing them changes nothing stored.
func TestSubmissionCannotBeChangedFromOutside(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	answers := map[string][]string{"q1": {"b"}}
	s := newSubmission(t, q, answers)
	answers["q1"][0] = "a"
	s.Answers()["q1"][0] = "c"
	if err := s.Score(q, now); err != nil {
		t.Fatal(err)
	}
	r, _ := s.Result()
	r.Categories[0].Points = 99
	r.Weakest[0] = "changed"
	snap := s.Snapshot()
	snap.Result.Questions[0].Points = 99
	if again, _ := s.Result(); again.Points != 4 || again.Categories[0].Points != 4 || again.Weakest[0] == "changed" || again.Questions[0].Points != 4 {
		t.Errorf("result changed from outside: %+v", again)
	}
}
