package httpport

import (
	"time"
	"unicode/utf8"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
)

// maxParkedLimit bounds ?limit= of GET /v1/ops/parked.
const maxParkedLimit = 10000

type outboxResponse struct {
	Rows             int64   `json:"rows"`
	OldestAgeSeconds float64 `json:"oldest_age_seconds"`
}

type parkedSummary struct {
	Ref            string     `json:"ref"`
	EventID        string     `json:"event_id"`
	Type           string     `json:"type"`
	Topic          string     `json:"topic"`
	Handler        string     `json:"handler"`
	Group          string     `json:"group"`
	Reason         string     `json:"reason"`
	ParkedAt       *time.Time `json:"parked_at,omitempty"`
	PayloadOmitted string     `json:"payload_omitted,omitempty"`
	PayloadBytes   int        `json:"payload_bytes"`
}

// parkedDetail is one parked message with its headers and payload: the payload as text when it
// is UTF-8 (events are JSON), else base64 (encoding/json encodes []byte so).
type parkedDetail struct {
	parkedSummary
	Headers       map[string]string `json:"headers"`
	Payload       *string           `json:"payload,omitempty"`
	PayloadBase64 []byte            `json:"payload_base64,omitempty"`
}

type reasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

type parkedListResponse struct {
	Items    []parkedSummary `json:"items"`
	Matched  int             `json:"matched"`
	ByReason []reasonCount   `json:"by_reason"`
}

// replayRequest is the body of POST /v1/ops/parked/replay: refs, or else a filter (all
// matching; the zero filter is every parked message). all must be true to replay by filter, so
// that an empty body replays nothing by accident.
type replayRequest struct {
	Refs    []string `json:"refs"`
	All     bool     `json:"all"`
	Topic   string   `json:"topic"`
	Handler string   `json:"handler"`
	Group   string   `json:"group"`
	Reason  string   `json:"reason"`
	DryRun  *bool    `json:"dry_run"`
}

func (r replayRequest) command() (command.ReplayParked, error) {
	if (len(r.Refs) > 0) == r.All {
		return command.ReplayParked{}, malformed("refs", "give refs, or all with an optional filter (topic, handler, group, reason), not both")
	}
	if len(r.Refs) > 0 && r.Topic+r.Handler+r.Group+r.Reason != "" {
		return command.ReplayParked{}, malformed("refs", "the filter fields (topic, handler, group, reason) go with all, not with refs")
	}
	if r.DryRun == nil {
		return command.ReplayParked{}, malformed("dry_run", "is required: true to see what would be replayed, false to replay")
	}
	f := query.ParkedFilter{Topic: r.Topic, Handler: r.Handler, Group: r.Group, ReasonContains: r.Reason}
	return command.ReplayParked{Refs: r.Refs, Filter: f, DryRun: *r.DryRun}, nil
}

type replayOutcome struct {
	parkedSummary
	Refused string `json:"refused,omitempty"`
}

type replayResponse struct {
	DryRun   bool            `json:"dry_run"`
	Replayed int             `json:"replayed"`
	Selected int             `json:"selected"`
	Outcomes []replayOutcome `json:"outcomes"`
}

func toParkedSummary(m query.ParkedMessage) parkedSummary {
	s := parkedSummary{
		Ref: m.Ref, EventID: m.EventID, Type: m.Type, Topic: m.Topic, Handler: m.Handler, Group: m.Group,
		Reason: m.Reason, PayloadOmitted: m.PayloadOmitted, PayloadBytes: len(m.Payload),
	}
	if !m.ParkedAt.IsZero() {
		at := m.ParkedAt.UTC()
		s.ParkedAt = &at
	}
	return s
}

func toParkedDetail(m query.ParkedMessage) parkedDetail {
	d := parkedDetail{parkedSummary: toParkedSummary(m), Headers: m.Headers}
	if d.Headers == nil {
		d.Headers = map[string]string{}
	}
	if utf8.Valid(m.Payload) {
		text := string(m.Payload)
		d.Payload = &text
	} else {
		d.PayloadBase64 = m.Payload
	}
	return d
}

func toParkedListResponse(l query.ParkedList) parkedListResponse {
	res := parkedListResponse{Items: make([]parkedSummary, 0, len(l.Messages)), Matched: l.Matched, ByReason: make([]reasonCount, 0, len(l.ByReason))}
	for _, m := range l.Messages {
		res.Items = append(res.Items, toParkedSummary(m))
	}
	for _, rc := range l.ByReason {
		res.ByReason = append(res.ByReason, reasonCount{Reason: rc.Reason, Count: rc.Count})
	}
	return res
}

func toReplayResponse(r command.ReplayResult) replayResponse {
	res := replayResponse{DryRun: r.DryRun, Replayed: r.Replayed(), Selected: len(r.Outcomes), Outcomes: make([]replayOutcome, 0, len(r.Outcomes))}
	for _, o := range r.Outcomes {
		res.Outcomes = append(res.Outcomes, replayOutcome{parkedSummary: toParkedSummary(o.Message), Refused: o.Refused})
	}
	return res
}
