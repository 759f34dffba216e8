package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// ScoreSubmission scores the submission a submitted event names (the result-calculator
// consumer). It needs no inbox: a submission is scored only while pending, under its row lock,
// so a redelivered event (or another event for the same submission) writes nothing.
type ScoreSubmission struct {
	Event testresult.Submitted
	Meta  EventMeta
}

// ScoreSubmissionHandler handles ScoreSubmission. It reports whether this call wrote the
// outcome (false for a submission decided before).
type ScoreSubmissionHandler decorator.Handler[ScoreSubmission, bool]

type scoreSubmissionHandler struct {
	store TestStore
	now   Clock
}

// NewScoreSubmissionHandler returns the ScoreSubmission use case. It panics on a nil dependency.
func NewScoreSubmissionHandler(store TestStore, now Clock) decorator.Handler[ScoreSubmission, bool] {
	if store == nil || now == nil {
		panic("command: nil dependency for ScoreSubmission")
	}
	return scoreSubmissionHandler{store: store, now: now}
}

// Handle scores the submission, or marks it failed with the reason when its answers cannot be
// scored against its test. An event that names no stored submission is invalid.
func (h scoreSubmissionHandler) Handle(ctx context.Context, cmd ScoreSubmission) (bool, error) {
	if !shared.IsUUID(cmd.Event.SubmissionID) {
		return false, shared.Invalid("submission_id", "must be a UUID")
	}
	done, err := h.store.Score(ctx, cmd.Event.SubmissionID, cmd.Meta,
		func(t *testresult.Test, s *testresult.Submission) (bool, error) {
			if s.Status != testresult.StatusPending {
				return false, nil // decided by an earlier event for the same submission
			}
			if s.UserID != shared.UserID(cmd.Event.UserID) || s.TestID != cmd.Event.TestID {
				return false, shared.Invalid("event", "names user %q and test %s, but submission %s is user %q's for test %s",
					cmd.Event.UserID, cmd.Event.TestID, s.ID, s.UserID, s.TestID)
			}
			now := h.now()
			err := s.Score(t, now)
			if shared.KindOf(err) == shared.KindInvalid {
				return true, s.Fail(err.Error(), now)
			}
			return err == nil, err
		})
	if shared.KindOf(err) == shared.KindNotFound {
		return false, shared.Invalid("submission_id", "no submission %s is stored", cmd.Event.SubmissionID)
	}
	return done, err
}
