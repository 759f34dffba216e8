package query

import (
	"context"
	"strings"
	"time"
)

// ParkedMessage is a message a consumer parked in the poison topic, as the operator use cases
// see it: primitives only, so that neither the CLI nor the HTTP port knows the broker.
type ParkedMessage struct {
	// Ref selects it: "partition/offset" on Kafka, the row's offset on PostgreSQL.
	Ref     string
	EventID string
	Type    string
	// Topic is the topic it was consumed from, where a replay publishes it.
	Topic   string
	Handler string
	Group   string
	Reason  string
	// ParkedAt is zero when the broker does not say.
	ParkedAt time.Time
	// PayloadOmitted says why the payload was left out when it was parked; empty when it is there.
	PayloadOmitted string
	Headers        map[string]string
	Payload        []byte
	// MessageID is the broker message's own id, which a replay keeps (EventID falls back to it).
	MessageID string
}

// ParkedMessages is the port to the poison topic, implemented by adapters/poison. ReadParked
// reads every message parked when it starts, oldest first, and stops early when fn returns
// false. A broker that keeps nothing (GoChannel) returns an error of kind unavailable.
type ParkedMessages interface {
	ReadParked(ctx context.Context, fn func(ParkedMessage) bool) error
}

// ParkedFilter selects parked messages: each non-empty field must match, Topic, Handler and
// Group exactly, ReasonContains as a case-insensitive substring of the reason. The zero value
// matches every message.
type ParkedFilter struct {
	Topic          string
	Handler        string
	Group          string
	ReasonContains string
}

// Matches reports whether m passes the filter.
func (f ParkedFilter) Matches(m ParkedMessage) bool {
	return (f.Topic == "" || f.Topic == m.Topic) &&
		(f.Handler == "" || f.Handler == m.Handler) &&
		(f.Group == "" || f.Group == m.Group) &&
		(f.ReasonContains == "" || strings.Contains(strings.ToLower(m.Reason), strings.ToLower(f.ReasonContains)))
}
