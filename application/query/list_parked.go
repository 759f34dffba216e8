package query

import (
	"context"
	"errors"
	"sort"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
)

// ListParked lists the parked messages that match Filter, oldest first; at most Limit of them
// (0: all). The counts by reason cover every match, not only the listed ones.
type ListParked struct {
	Filter ParkedFilter
	Limit  int
}

// ReasonCount is how many matching parked messages were parked for one reason.
type ReasonCount struct {
	Reason string
	Count  int
}

// ParkedList is the answer to ListParked.
type ParkedList struct {
	Messages []ParkedMessage
	// Matched counts every match; Messages holds at most Limit of them.
	Matched int
	// ByReason groups the matches by reason, the most frequent first.
	ByReason []ReasonCount
}

// ListParkedHandler handles ListParked: what `taskstream poison list` and GET /v1/ops/parked run.
type ListParkedHandler decorator.Handler[ListParked, ParkedList]

type listParkedHandler struct{ parked ParkedMessages }

// NewListParkedHandler returns the ListParked query. It panics on a nil port.
func NewListParkedHandler(parked ParkedMessages) decorator.Handler[ListParked, ParkedList] {
	if parked == nil {
		panic("query: nil parked messages for ListParked")
	}
	return listParkedHandler{parked: parked}
}

func (h listParkedHandler) Handle(ctx context.Context, q ListParked) (ParkedList, error) {
	if q.Limit < 0 {
		return ParkedList{}, &shared.Error{Kind: shared.KindInvalid, Message: "the limit must be 0 (all) or more", Err: errors.New("negative limit")}
	}
	var list ParkedList
	counts := map[string]int{}
	err := h.parked.ReadParked(ctx, func(m ParkedMessage) bool {
		if !q.Filter.Matches(m) {
			return true
		}
		list.Matched++
		counts[m.Reason]++
		if q.Limit == 0 || len(list.Messages) < q.Limit {
			list.Messages = append(list.Messages, m)
		}
		return true
	})
	if err != nil {
		return ParkedList{}, err
	}
	for reason, n := range counts {
		list.ByReason = append(list.ByReason, ReasonCount{Reason: reason, Count: n})
	}
	sort.Slice(list.ByReason, func(i, j int) bool {
		a, b := list.ByReason[i], list.ByReason[j]
		return a.Count > b.Count || (a.Count == b.Count && a.Reason < b.Reason)
	})
	return list, nil
}
