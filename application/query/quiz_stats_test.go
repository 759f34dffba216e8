package query_test

import (
	"context"
	"errors"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

func TestQuizStatsSummarizeTheRecordedScores(t *testing.T) {
	t.Parallel()
	r := newFakeQuizReader()
	storedQuiz(t, r)
	r.scores[quizID] = []float64{100, 40, 60}
	s, err := query.NewQuizStatsHandler(r).Handle(context.Background(), query.QuizStats{UserID: "owner", ID: quizID})
	if err != nil {
		t.Fatal(err)
	}
	if s.QuizID != quizID || s.Attempts != 3 || s.Mean != 66.67 || s.Median != 60 || len(s.Distribution) != 10 {
		t.Errorf("stats %+v", s)
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
