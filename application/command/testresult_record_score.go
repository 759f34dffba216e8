package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// RecordTestScore adds a scored submission to its test's statistics (the analytics consumer).
type RecordTestScore struct {
	Event testresult.Scored
}

// RecordTestScoreHandler handles RecordTestScore. It reports whether the score was new.
type RecordTestScoreHandler decorator.Handler[RecordTestScore, bool]

type recordTestScoreHandler struct {
	scores testresult.ScoreLog
}

// NewRecordTestScoreHandler returns the RecordTestScore use case. It panics on a nil store.
func NewRecordTestScoreHandler(scores testresult.ScoreLog) decorator.Handler[RecordTestScore, bool] {
	if scores == nil {
		panic("command: nil test scores for RecordTestScore")
	}
	return recordTestScoreHandler{scores: scores}
}

func (h recordTestScoreHandler) Handle(ctx context.Context, cmd RecordTestScore) (bool, error) {
	e := cmd.Event
	switch {
	case !shared.IsUUID(e.SubmissionID) || !shared.IsUUID(e.TestID):
		return false, shared.Invalid("event", "submission_id and test_id must be UUIDs")
	case e.Percentage < 0 || e.Percentage > 100 || e.Points < 0 || e.Points > e.MaxPoints:
		return false, shared.Invalid("event", "percentage %v and points %d of %d are out of range", e.Percentage, e.Points, e.MaxPoints)
	}
	return h.scores.Record(ctx, e)
}
