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
	store testresult.QuizRepository
	now   Clock
}

// NewScoreSubmissionsHandler returns the ScoreSubmissions use case. It panics on a nil
// dependency.
func NewScoreSubmissionsHandler(store testresult.QuizRepository, now Clock) decorator.Handler[ScoreSubmissions, ScoreResult] {
	if store == nil || now == nil {
		panic("command: nil dependency for ScoreSubmissions")
	}
	return scoreSubmissionsHandler{store: store, now: now}
}

// scoreBatch is a batch sorted out: the first event of each submission, the items that name
// each, the targets to load, and the items refused before anything is loaded.
type scoreBatch struct {
	events   map[string]testresult.Submitted
	index    map[string][]int
	targets  []testresult.ScoreTarget
	rejected []Rejection
}

// Handle grades every pending submission the items name: scored, or failed with the reason when
// its answers cannot be scored against its quiz. An item that names no stored submission, or
// names it with another user or quiz, is rejected; the others are stored all together. An error
// means nothing was stored and the batch may be retried.
func (h scoreSubmissionsHandler) Handle(ctx context.Context, cmd ScoreSubmissions) (ScoreResult, error) {
	b := sortBatch(cmd.Items)
	res := ScoreResult{Rejected: b.rejected}
	if len(b.targets) == 0 {
		return res, nil
	}
	mismatched := map[string]error{}
	stored, missing, err := h.store.Score(ctx, b.targets, func(q *testresult.Quiz, s *testresult.Submission) (bool, error) {
		if !s.IsPending() {
			return false, nil // decided by an earlier event for the same submission
		}
		if err := s.CheckEvent(b.events[s.ID()]); err != nil {
			mismatched[s.ID()] = err
			return false, nil
		}
		return true, s.Grade(q, h.now())
	})
	if err != nil {
		return ScoreResult{}, err
	}
	res.Stored = stored
	for _, id := range missing {
		res.Rejected = b.reject(res.Rejected, id, shared.Invalid("submission_id", "no submission %s is stored", id))
	}
	for id, reason := range mismatched {
		res.Rejected = b.reject(res.Rejected, id, reason)
	}
	return res, nil
}

// sortBatch keeps the first event of each submission (ids compare in lower case) and rejects
// the items whose submission id is no UUID.
func sortBatch(items []ScoreItem) scoreBatch {
	b := scoreBatch{events: map[string]testresult.Submitted{}, index: map[string][]int{}}
	for i, it := range items {
		id := strings.ToLower(it.Event.SubmissionID)
		if !shared.IsUUID(id) {
			b.rejected = append(b.rejected, Rejection{Index: i, Reason: shared.Invalid("submission_id", "must be a UUID")})
			continue
		}
		if _, seen := b.events[id]; !seen {
			b.events[id] = it.Event
			b.targets = append(b.targets, testresult.ScoreTarget{SubmissionID: id, Meta: it.Meta})
		}
		b.index[id] = append(b.index[id], i)
	}
	return b
}

// reject appends a rejection with reason for every item that names submission id.
func (b scoreBatch) reject(rejected []Rejection, id string, reason error) []Rejection {
	for _, i := range b.index[id] {
		rejected = append(rejected, Rejection{Index: i, Reason: reason})
	}
	return rejected
}
