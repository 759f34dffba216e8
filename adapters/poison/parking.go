package poison

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Reader reads the poison topic: every message parked when it starts, oldest first (on Kafka
// partition by partition), without waiting for more; it stops early when fn returns false. A
// broker that keeps nothing returns ErrNothingKept. The broker adapters implement it.
type Reader interface {
	ReadParked(ctx context.Context, fn func(Parked) bool) error
}

// Parking lists the parked messages and replays them to the topics they came from: what
// `taskstream poison` runs, one implementation for every front end.
type Parking struct {
	reader    Reader
	publisher message.Publisher
	topic     string
	now       func() time.Time
}

// NewParking returns the parked messages of topic, read with reader and replayed with publisher.
func NewParking(reader Reader, publisher message.Publisher, topic string) (*Parking, error) {
	if reader == nil || publisher == nil || topic == "" {
		return nil, errors.New("poison: a reader, a publisher and the poison topic are required")
	}
	return &Parking{reader: reader, publisher: publisher, topic: topic, now: time.Now}, nil
}

// Topic is the poison topic.
func (p *Parking) Topic() string { return p.topic }

// List returns the parked messages, oldest first; at most limit of them (0: all).
func (p *Parking) List(ctx context.Context, limit int) ([]Parked, error) {
	if limit < 0 {
		return nil, errors.New("poison: the limit must be 0 (all) or more")
	}
	var parked []Parked
	err := p.reader.ReadParked(ctx, func(m Parked) bool {
		parked = append(parked, m)
		return limit == 0 || len(parked) < limit
	})
	return parked, err
}

// Select returns every parked message (all) or those refs name, in the poison topic's order. A
// ref that names none is an error, so that a replay of a mistyped selection replays nothing.
func (p *Parking) Select(ctx context.Context, refs []string, all bool) ([]Parked, error) {
	wanted := map[string]bool{}
	for _, r := range refs {
		wanted[r] = true
	}
	var selected []Parked
	err := p.reader.ReadParked(ctx, func(m Parked) bool {
		if all || wanted[m.Ref] {
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
		for _, r := range refs {
			if wanted[r] {
				missing = append(missing, r)
			}
		}
		return nil, fmt.Errorf("no parked message in %s has the reference %s; nothing was replayed (see poison list)",
			p.topic, strings.Join(missing, ", "))
	}
	return selected, nil
}

// Outcome is what a replay did with one selected message: Refused says why it could not be
// replayed (parked without its payload, or without its original topic); nil when it was (or, on
// a dry run, would be).
type Outcome struct {
	Parked  Parked
	Refused error
}

// Replay publishes the replay copy (ReplayMessage) of each selected message to its original
// topic, in order, and tells report what it did with each. A dry run publishes nothing. A failed
// publish stops the replay with its error; the messages before it were replayed. Consumers apply
// an event once, so replaying a message twice, or one already applied, is harmless.
func (p *Parking) Replay(ctx context.Context, selected []Parked, dryRun bool, report func(Outcome)) error {
	at := p.now()
	for _, m := range selected {
		replayed, err := ReplayMessage(m, p.topic, at)
		if err != nil {
			report(Outcome{Parked: m, Refused: err})
			continue
		}
		if !dryRun {
			span := startReplaySpan(ctx, m.Topic(), replayed.Metadata.Get(ReplayedFromKey), replayed)
			replayed.SetContext(ctx)
			err := p.publisher.Publish(m.Topic(), replayed)
			span.End()
			if err != nil {
				return fmt.Errorf("replay %s to %s: %w", m.Ref, m.Topic(), err)
			}
		}
		report(Outcome{Parked: m})
	}
	return nil
}
