package testresult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// The zero settings are the safe ones: one attempt, the score only, first attempts counted.
func TestQuizSettingsDefaultToWhatKeepsTheKey(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	if n, limited := q.MaxAttempts(); n != 1 || !limited {
		t.Errorf("max attempts %d, limited %v; want 1", n, limited)
	}
	if q.Feedback() != testresult.FeedbackScore || q.StatsCount() != testresult.StatsFirst {
		t.Errorf("feedback %s, stats %s; want score and first", q.Feedback(), q.StatsCount())
	}
	want := testresult.QuizSettings{MaxAttempts: 1, Feedback: "score", StatsCount: "first"}
	if q.Settings() != want || q.Snapshot().Settings != want {
		t.Errorf("settings %+v, want %+v", q.Settings(), want)
	}
}

func TestQuizSettingsAreValidated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		cfg   testresult.QuizSettings
		field string
	}{
		{"no attempt", testresult.QuizSettings{MaxAttempts: -1}, "max_attempts"},
		{"too many attempts", testresult.QuizSettings{MaxAttempts: 101}, "max_attempts"},
		{"a number and unlimited", testresult.QuizSettings{MaxAttempts: 2, UnlimitedAttempts: true}, "max_attempts"},
		{"unknown feedback", testresult.QuizSettings{Feedback: "categories"}, "feedback"},
		{"unknown count", testresult.QuizSettings{StatsCount: "best"}, "stats_count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := testresult.NewQuiz(quizID, "owner", "T", specs(), tc.cfg, now)
			assertInvalid(t, err, tc.field)
		})
	}
	for _, cfg := range []testresult.QuizSettings{{MaxAttempts: 100}, {UnlimitedAttempts: true}, {Feedback: "per_question", StatsCount: "all"}} {
		q, err := testresult.NewQuiz(quizID, "owner", "T", specs(), cfg, now)
		if err != nil {
			t.Fatalf("%+v: %v", cfg, err)
		}
		back, err := testresult.RehydrateQuiz(q.Snapshot())
		if err != nil || back.Settings() != q.Settings() {
			t.Errorf("%+v rehydrated as %+v, %v", q.Settings(), back.Settings(), err)
		}
	}
	if _, err := testresult.RehydrateQuiz(testresult.QuizSnapshot{ID: quizID, Settings: testresult.QuizSettings{Feedback: "x", StatsCount: "first"}}); err == nil {
		t.Error("a stored quiz with an unknown feedback rehydrated")
	}
}

// Attempt N+1 past a limit of N is refused with a conflict; the owner and an unlimited quiz
// are never refused.
func TestAdmitAttemptRefusesPastTheLimit(t *testing.T) {
	t.Parallel()
	three := newQuizWith(t, testresult.QuizSettings{MaxAttempts: 3})
	unlimited := newQuizWith(t, testresult.QuizSettings{UnlimitedAttempts: true})
	for _, tc := range []struct {
		name    string
		q       *testresult.Quiz
		user    shared.UserID
		n       int
		refused bool
	}{
		{"the first of one", newQuiz(t), "taker", 1, false},
		{"the second of one", newQuiz(t), "taker", 2, true},
		{"the third of three", three, "taker", 3, false},
		{"the fourth of three", three, "taker", 4, true},
		{"the owner's second of one", newQuiz(t), "owner", 2, false},
		{"the thousandth, unlimited", unlimited, "taker", 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.q.AdmitAttempt(tc.user, tc.n)
			if refused := errors.Is(err, testresult.ErrNoAttemptsLeft) && shared.KindOf(err) == shared.KindConflict; refused != tc.refused || !tc.refused && err != nil {
				t.Errorf("AdmitAttempt = %v, want refused %v", err, tc.refused)
			}
		})
	}
	if shared.KindOf(newQuiz(t).AdmitAttempt("taker", 0)) != shared.KindInvalid {
		t.Error("attempt 0 was not invalid")
	}
}

func TestTakeAttemptNumbersTheSubmission(t *testing.T) {
	t.Parallel()
	q := newQuizWith(t, testresult.QuizSettings{MaxAttempts: 2})
	s := newSubmission(t, q, nil)
	if err := s.TakeAttempt(q, 2); err != nil || s.Attempt() != 2 || s.Snapshot().Attempt != 2 {
		t.Fatalf("TakeAttempt(2) = %v, attempt %d", err, s.Attempt())
	}
	refused := newSubmission(t, q, nil)
	if err := refused.TakeAttempt(q, 3); !errors.Is(err, testresult.ErrNoAttemptsLeft) || refused.Attempt() != 0 {
		t.Errorf("TakeAttempt(3) = %v, attempt %d; want refused, unnumbered", err, refused.Attempt())
	}
	other, err := testresult.NewQuiz("0193a1e0-0000-7000-8000-0000000000ff", "owner", "Other", specs(), testresult.QuizSettings{}, now)
	if err != nil {
		t.Fatal(err)
	}
	assertInvalid(t, s.TakeAttempt(other, 1), "test_id")
}

// With score-only feedback a taker learns the points and the percentage: nothing per question,
// per category or in the report that names a category, and neither does their notification
// (the scored event). The owner's own submission shows everything.
func TestScoreOnlyFeedbackHidesWhichQuestionsWereRight(t *testing.T) {
	t.Parallel()
	q := newQuiz(t)
	answers := map[string][]string{"q1": {"b"}, "q4": {"a"}}
	for _, tc := range []struct {
		user  shared.UserID
		whole bool
	}{{"taker", false}, {"owner", true}} {
		s, err := testresult.NewSubmission(subID, q, tc.user, answers, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Score(q, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		r, _ := s.AsSeenBy(q).Result()
		if r.Points != 4 || r.MaxPoints != 12 || r.Percentage != 33.33 || r.ScoreOnly == tc.whole {
			t.Errorf("%s sees %+v", tc.user, r)
		}
		hidden := r.Questions == nil && r.Categories == nil && r.Weakest == nil && r.Report == "You scored 4 of 12 points (33.33%)."
		if hidden == tc.whole {
			t.Errorf("%s sees %+v; want whole %v", tc.user, r, tc.whole)
		}
		ev, _ := s.ScoredEvent(q)
		if (len(ev.Categories) == 0 && len(ev.Weakest) == 0) == tc.whole || ev.Categories == nil || ev.Weakest == nil {
			t.Errorf("%s's scored event %+v; want whole %v, lists not null", tc.user, ev, tc.whole)
		}
		if ev.Points != 4 || ev.Percentage != 33.33 {
			t.Errorf("%s's scored event lost the score: %+v", tc.user, ev)
		}
		if stored, _ := s.Result(); len(stored.Questions) != 4 {
			t.Error("AsSeenBy cut the stored result")
		}
	}
}

func TestStatsCountFirstScoredAttemptPerUser(t *testing.T) {
	t.Parallel()
	scores := []testresult.RecordedScore{
		{SubmissionID: "b", UserID: "bob", SubmittedAt: now.Add(time.Hour), Percentage: 90},
		{SubmissionID: "a", UserID: "bob", SubmittedAt: now, Percentage: 10},
		{SubmissionID: "c", UserID: "cid", SubmittedAt: now, Percentage: 50},
		{SubmissionID: "e", UserID: "dan", SubmittedAt: now, Percentage: 70},
		{SubmissionID: "d", UserID: "dan", SubmittedAt: now, Percentage: 30}, // same time: the lower id first
	}
	first := newQuiz(t).Stats(scores)
	if first.Attempts != 3 || first.Mean != 30 || first.Counted != testresult.StatsFirst {
		t.Errorf("first attempts: %+v", first)
	}
	all := newQuizWith(t, testresult.QuizSettings{StatsCount: "all"}).Stats(scores)
	if all.Attempts != 5 || all.Mean != 50 || all.Counted != testresult.StatsAll {
		t.Errorf("all attempts: %+v", all)
	}
}
