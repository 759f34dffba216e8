package command

import (
	"context"
	"strings"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// ScoreSubmissions scores the submissions a batch of submitted events names (the
// result-calculator consumer), in one transaction. It needs no inbox: a submission is scored only
// while pending, under its row lock, so a redelivered event (or another event for the same
// submission) writes nothing.
type ScoreSubmissions struct {
	Items []ScoreItem
}

// ScoreItem is one submitted event and the metadata it came with.
type ScoreItem struct {
	Event testresult.Submitted
	Meta  shared.EventMeta
}

// ScoreResult reports what a batch did: how many submissions it stored (scored or failed), and
// the items it refused, which are never retried.
type ScoreResult struct {
	Stored   int
	Rejected []Rejection
}

// ScoreSubmissionsHandler handles ScoreSubmissions.
type ScoreSubmissionsHandler decorator.Handler[ScoreSubmissions, ScoreResult]

type scoreSubmissionsHandler struct {
	store testresult.Repository
	now   Clock
}

// NewScoreSubmissionsHandler returns the ScoreSubmissions use case. It panics on a nil
// dependency.
func NewScoreSubmissionsHandler(store testresult.Repository, now Clock) decorator.Handler[ScoreSubmissions, ScoreResult] {
	if store == nil || now == nil {
		panic("command: nil dependency for ScoreSubmissions")
	}
	return scoreSubmissionsHandler{store: store, now: now}
}

// Handle scores every pending submission the items name, or marks it failed with the reason
// when its answers cannot be scored against its test. An item that names no stored submission,
// or names it with another user or test, is rejected; the others are stored all together. An
// error means nothing was stored and the batch may be retried.
func (h scoreSubmissionsHandler) Handle(ctx context.Context, cmd ScoreSubmissions) (ScoreResult, error) {
	var res ScoreResult
	events := map[string]testresult.Submitted{}
	index := map[string][]int{}
	targets := make([]testresult.ScoreTarget, 0, len(cmd.Items))
	for i, it := range cmd.Items {
		id := strings.ToLower(it.Event.SubmissionID)
		if !shared.IsUUID(id) {
			res.Rejected = append(res.Rejected, Rejection{Index: i, Reason: shared.Invalid("submission_id", "must be a UUID")})
			continue
		}
		if _, seen := events[id]; !seen {
			events[id] = it.Event
			targets = append(targets, testresult.ScoreTarget{SubmissionID: id, Meta: it.Meta})
		}
		index[id] = append(index[id], i)
	}
	if len(targets) == 0 {
		return res, nil
	}
	mismatched := map[string]error{}
	stored, missing, err := h.store.Score(ctx, targets, func(t *testresult.Test, s *testresult.Submission) (bool, error) {
		if s.Status != testresult.StatusPending {
			return false, nil // decided by an earlier event for the same submission
		}
		ev := events[s.ID]
		if s.UserID != shared.UserID(ev.UserID) || s.TestID != ev.TestID {
			mismatched[s.ID] = shared.Invalid("event", "names user %q and test %s, but submission %s is user %q's for test %s",
				ev.UserID, ev.TestID, s.ID, s.UserID, s.TestID)
			return false, nil
		}
		now := h.now()
		err := s.Score(t, now)
		if shared.KindOf(err) == shared.KindInvalid {
			return true, s.Fail(err.Error(), now)
		}
		return err == nil, err
	})
	if err != nil {
		return ScoreResult{}, err
	}
	res.Stored = stored
	for _, id := range missing {
		for _, i := range index[id] {
			res.Rejected = append(res.Rejected, Rejection{Index: i, Reason: shared.Invalid("submission_id", "no submission %s is stored", id)})
		}
	}
	for id, reason := range mismatched {
		for _, i := range index[id] {
			res.Rejected = append(res.Rejected, Rejection{Index: i, Reason: reason})
		}
	}
	return res, nil
}
