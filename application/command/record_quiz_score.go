package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/testresult"
)

// RecordQuizScore adds a scored submission to its quiz's statistics (the analytics consumer).
type RecordQuizScore struct {
	Event testresult.Scored
}

// RecordQuizScoreHandler handles RecordQuizScore. It reports whether the score was new; an event
// the domain would not have written (Scored.Validate) is refused with an error of kind invalid.
type RecordQuizScoreHandler decorator.Handler[RecordQuizScore, bool]

type recordQuizScoreHandler struct {
	scores testresult.ScoreLog
}

// NewRecordQuizScoreHandler returns the RecordQuizScore use case. It panics on a nil store.
func NewRecordQuizScoreHandler(scores testresult.ScoreLog) decorator.Handler[RecordQuizScore, bool] {
	if scores == nil {
		panic("command: nil score log for RecordQuizScore")
	}
	return recordQuizScoreHandler{scores: scores}
}

func (h recordQuizScoreHandler) Handle(ctx context.Context, cmd RecordQuizScore) (bool, error) {
	if err := cmd.Event.Validate(); err != nil {
		return false, err
	}
	return h.scores.Record(ctx, cmd.Event)
}
