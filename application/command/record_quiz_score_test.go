package command_test

import (
	"context"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

func TestRecordQuizScoreRecordsEachScoreOnce(t *testing.T) {
	t.Parallel()
	scores := &fakeScoreLog{}
	record := command.NewRecordQuizScoreHandler(scores)
	e := testresult.Scored{SubmissionID: subID, QuizID: quizID, Points: 2, MaxPoints: 5, Percentage: 40}
	for i, want := range []bool{true, false} {
		if added, err := record.Handle(context.Background(), command.RecordQuizScore{Event: e}); err != nil || added != want {
			t.Errorf("record %d = %v, %v; want %v", i, added, err, want)
		}
	}
	if len(scores.recorded) != 1 || scores.recorded[0].Percentage != 40 {
		t.Errorf("recorded %+v", scores.recorded)
	}
}

// An event the domain would not have written (Scored.Validate) is refused and not recorded.
func TestRecordQuizScoreRefusesAnImpossibleScore(t *testing.T) {
	t.Parallel()
	scores := &fakeScoreLog{}
	record := command.NewRecordQuizScoreHandler(scores)
	for _, e := range []testresult.Scored{
		{SubmissionID: "s1", QuizID: quizID, Points: 1, MaxPoints: 1, Percentage: 100},
		{SubmissionID: subID, QuizID: quizID, Points: 6, MaxPoints: 5, Percentage: 100},
		{SubmissionID: subID, QuizID: quizID, Points: 1, MaxPoints: 5, Percentage: 120},
	} {
		if _, err := record.Handle(context.Background(), command.RecordQuizScore{Event: e}); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%+v: %v, want invalid", e, err)
		}
	}
	if len(scores.recorded) != 0 {
		t.Errorf("recorded %+v", scores.recorded)
	}
}
