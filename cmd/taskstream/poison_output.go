package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/taskstream/taskstream/application/query"
)

// parkedJSON is one line of poison list --json.
type parkedJSON struct {
	Ref            string     `json:"ref"`
	EventID        string     `json:"event_id"`
	Type           string     `json:"type"`
	Topic          string     `json:"topic"`
	Handler        string     `json:"handler"`
	Group          string     `json:"group"`
	ParkedAt       *time.Time `json:"parked_at,omitempty"`
	Reason         string     `json:"reason"`
	PayloadOmitted bool       `json:"payload_omitted"`
	// OmittedWhy is the poison_payload_omitted header: the payload's size and the broker's error.
	OmittedWhy   string `json:"payload_omitted_why,omitempty"`
	PayloadBytes int    `json:"payload_bytes"`
}

func writeParkedJSON(w io.Writer, parked []query.ParkedMessage) error {
	enc := json.NewEncoder(w)
	for _, p := range parked {
		line := parkedJSON{
			Ref: p.Ref, EventID: p.EventID, Type: p.Type, Topic: p.Topic, Handler: p.Handler,
			Group: p.Group, Reason: p.Reason, PayloadOmitted: p.PayloadOmitted != "",
			OmittedWhy: p.PayloadOmitted, PayloadBytes: len(p.Payload),
		}
		if !p.ParkedAt.IsZero() {
			at := p.ParkedAt.UTC()
			line.ParkedAt = &at
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}

// maxReasonWidth bounds the reason column of the table; --json has it whole.
const maxReasonWidth = 160

// writeParkedTable writes parked as an aligned table, the reason last (it is the longest), and a
// line that says how many there are.
func writeParkedTable(w io.Writer, parked []query.ParkedMessage, poisonTopic string, limit int) error {
	if len(parked) == 0 {
		_, err := fmt.Fprintf(w, "no parked messages in %s\n", poisonTopic)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tPARKED AT\tEVENT ID\tTYPE\tTOPIC\tHANDLER\tGROUP\tPAYLOAD\tREASON")
	for _, p := range parked {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(p.Ref), parkedAt(p.ParkedAt), cell(p.EventID),
			cell(p.Type), cell(p.Topic), cell(p.Handler), cell(p.Group), payload(p), reason(p.Reason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	summary := fmt.Sprintf("%d parked messages in %s", len(parked), poisonTopic)
	if limit > 0 && len(parked) == limit {
		summary = fmt.Sprintf("the first %d parked messages in %s (--limit %d)", len(parked), poisonTopic, limit)
	}
	_, err := fmt.Fprintln(w, summary)
	return err
}

func parkedAt(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func payload(p query.ParkedMessage) string {
	if p.PayloadOmitted != "" {
		return "omitted"
	}
	return fmt.Sprintf("%d B", len(p.Payload))
}

// reason is the reason on one line, cut to maxReasonWidth.
func reason(s string) string {
	s = cell(s)
	if r := []rune(s); len(r) > maxReasonWidth {
		return string(r[:maxReasonWidth-1]) + "…"
	}
	return s
}

// cell is s on one line without tabs (they would break the table), or "-" when empty.
func cell(s string) string {
	s = strings.Join(strings.FieldsFunc(s, unicode.IsControl), " ")
	return orDash(s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
