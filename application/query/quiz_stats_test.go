package query_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

func TestQuizStatsSummarizeTheRecordedScores(t *testing.T) {
	t.Parallel()
	r := newFakeQuizReader()
	storedQuiz(t, r)
	r.scores[quizID] = []testresult.RecordedScore{
		{SubmissionID: "s1", UserID: "ann", Percentage: 100}, {SubmissionID: "s2", UserID: "bob", Percentage: 40},
		{SubmissionID: "s3", UserID: "cid", Percentage: 60},
	}
	s, err := query.NewQuizStatsHandler(r).Handle(context.Background(), query.QuizStats{UserID: "owner", ID: quizID})
	if err != nil {
		t.Fatal(err)
	}
	if s.QuizID != quizID || s.Attempts != 3 || s.Mean != 66.67 || s.Median != 60 || len(s.Distribution) != 10 {
		t.Errorf("stats %+v", s)
	}
}

// By default each taker's first scored submission counts (a retake says less about the quiz);
// the owner may count all of them.
func TestQuizStatsCountFirstAttemptsUnlessTheOwnerSaysAll(t *testing.T) {
	t.Parallel()
	scores := []testresult.RecordedScore{
		{SubmissionID: "b2", UserID: "bob", SubmittedAt: fixedNow.Add(time.Minute), Percentage: 100},
		{SubmissionID: "b1", UserID: "bob", SubmittedAt: fixedNow, Percentage: 20},
		{SubmissionID: "c1", UserID: "cid", SubmittedAt: fixedNow, Percentage: 60},
	}
	for _, tc := range []struct {
		count, counted string
		attempts       int
		mean           float64
	}{{"", "first", 2, 40}, {"first", "first", 2, 40}, {"all", "all", 3, 60}} {
		r := newFakeQuizReader()
		storedQuizWith(t, r, testresult.QuizSettings{StatsCount: tc.count})
		r.scores[quizID] = scores
		s, err := query.NewQuizStatsHandler(r).Handle(context.Background(), query.QuizStats{UserID: "owner", ID: quizID})
		if err != nil {
			t.Fatal(err)
		}
		if s.Attempts != tc.attempts || s.Mean != tc.mean || s.Counted.String() != tc.counted {
			t.Errorf("stats_count %q: %+v, want %d attempts, mean %v", tc.count, s, tc.attempts, tc.mean)
		}
	}
}

// Only the owner reads the statistics; an unknown quiz is not found. Neither reads a score.
func TestQuizStatsAreTheOwnersAlone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		q    query.QuizStats
		kind shared.Kind
	}{
		{"a taker", query.QuizStats{UserID: "taker", ID: quizID}, shared.KindForbidden},
		{"an unknown quiz", query.QuizStats{UserID: "owner", ID: "0193a1e0-0000-7000-8000-0000000000ff"}, shared.KindNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newFakeQuizReader()
			storedQuiz(t, r)
			if _, err := query.NewQuizStatsHandler(r).Handle(context.Background(), tc.q); shared.KindOf(err) != tc.kind {
				t.Errorf("error %v, want kind %s", err, tc.kind)
			}
			if len(r.scoresAsked) != 0 {
				t.Errorf("scores read for %v", r.scoresAsked)
			}
		})
	}
}

func TestQuizStatsReturnTheReadersError(t *testing.T) {
	t.Parallel()
	r := newFakeQuizReader()
	storedQuiz(t, r)
	r.failScores = errReader
	if _, err := query.NewQuizStatsHandler(r).Handle(context.Background(), query.QuizStats{UserID: "owner", ID: quizID}); !errors.Is(err, errReader) {
		t.Errorf("error %v, want the reader's", err)
	}
}
