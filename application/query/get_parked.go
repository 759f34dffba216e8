package query

import (
	"context"
	"fmt"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
)

// GetParked reads one parked message, headers and payload, by its reference.
type GetParked struct{ Ref string }

// GetParkedHandler handles GetParked.
type GetParkedHandler decorator.Handler[GetParked, ParkedMessage]

type getParkedHandler struct{ parked ParkedMessages }

// NewGetParkedHandler returns the GetParked query. It panics on a nil port.
func NewGetParkedHandler(parked ParkedMessages) decorator.Handler[GetParked, ParkedMessage] {
	if parked == nil {
		panic("query: nil parked messages for GetParked")
	}
	return getParkedHandler{parked: parked}
}

func (h getParkedHandler) Handle(ctx context.Context, q GetParked) (ParkedMessage, error) {
	var found *ParkedMessage
	err := h.parked.ReadParked(ctx, func(m ParkedMessage) bool {
		if m.Ref == q.Ref {
			found = &m
			return false
		}
		return true
	})
	if err != nil {
		return ParkedMessage{}, err
	}
	if found == nil {
		return ParkedMessage{}, &shared.Error{Kind: shared.KindNotFound, Message: fmt.Sprintf("no parked message has the reference %q", q.Ref)}
	}
	return *found, nil
}
