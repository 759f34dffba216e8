package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

// ParkedReplayer is the port that republishes parked messages to the topics they came from,
// implemented by adapters/poison. Replay republishes the messages refs name, in the poison
// topic's order (a dry run publishes nothing), and reports each one: refused is why it could not
// be replayed (parked without its payload, or without its original topic), nil when it was. A
// failed publish stops the replay with its error.
type ParkedReplayer interface {
	query.ParkedMessages
	// Replay republishes selected, as ReadParked read them, to their topics (none on a dry run),
	// and reports each, refused or not: the selection is read once, by the use case.
	Replay(ctx context.Context, selected []query.ParkedMessage, dryRun bool, report func(ref string, refused error)) error
}

// ReplayParked replays the parked messages Refs name, or, without Refs, every message that
// matches Filter (the zero filter: all of them). DryRun publishes nothing and reports what would
// be replayed. A ref that names no parked message fails the whole replay before anything is
// published, so that a mistyped selection replays nothing.
type ReplayParked struct {
	Refs   []string
	Filter query.ParkedFilter
	DryRun bool
}

// ReplayOutcome is what the replay did with one selected message: Refused says why it was not
// replayed; empty when it was (or, on a dry run, would be).
type ReplayOutcome struct {
	Message query.ParkedMessage
	Refused string
}

// ReplayResult lists the outcome of each selected message, in the poison topic's order.
type ReplayResult struct {
	DryRun   bool
	Outcomes []ReplayOutcome
}

// Replayed counts the outcomes that were (or would be) replayed.
func (r ReplayResult) Replayed() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Refused == "" {
			n++
		}
	}
	return n
}

// ReplayParkedHandler handles ReplayParked: what `taskstream poison replay` and POST
// /v1/ops/parked/replay run.
type ReplayParkedHandler decorator.Handler[ReplayParked, ReplayResult]

type replayParkedHandler struct{ parked ParkedReplayer }

// NewReplayParkedHandler returns the ReplayParked command. It panics on a nil port.
func NewReplayParkedHandler(parked ParkedReplayer) decorator.Handler[ReplayParked, ReplayResult] {
	if parked == nil {
		panic("command: nil replayer for ReplayParked")
	}
	return replayParkedHandler{parked: parked}
}

func (h replayParkedHandler) Handle(ctx context.Context, c ReplayParked) (ReplayResult, error) {
	selected, err := h.selection(ctx, c)
	if err != nil {
		return ReplayResult{}, err
	}
	result := ReplayResult{DryRun: c.DryRun}
	if len(selected) == 0 {
		return result, nil
	}
	byRef := map[string]query.ParkedMessage{}
	for _, m := range selected {
		byRef[m.Ref] = m
	}
	err = h.parked.Replay(ctx, selected, c.DryRun, func(ref string, refused error) {
		o := ReplayOutcome{Message: byRef[ref]}
		if refused != nil {
			o.Refused = refused.Error()
		}
		result.Outcomes = append(result.Outcomes, o)
	})
	return result, err
}

// selection reads the messages c selects, in the poison topic's order.
func (h replayParkedHandler) selection(ctx context.Context, c ReplayParked) ([]query.ParkedMessage, error) {
	wanted := map[string]bool{}
	for _, r := range c.Refs {
		wanted[r] = true
	}
	var selected []query.ParkedMessage
	err := h.parked.ReadParked(ctx, func(m query.ParkedMessage) bool {
		if (len(c.Refs) > 0 && wanted[m.Ref]) || (len(c.Refs) == 0 && c.Filter.Matches(m)) {
			selected = append(selected, m)
			delete(wanted, m.Ref)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if len(wanted) > 0 {
		var missing []string
		for _, r := range c.Refs {
			if wanted[r] {
				missing = append(missing, r)
			}
		}
		return nil, &shared.Error{Kind: shared.KindNotFound,
			Message: fmt.Sprintf("no parked message has the reference %s; nothing was replayed", strings.Join(missing, ", "))}
	}
	return selected, nil
}
