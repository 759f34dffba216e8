package poison

import (
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

// The headers a replayed message carries.
const (
	// ReplayedFromKey names the parked message it is a copy of: the poison topic and the
	// reference, as in "taskstream.poison 3/1207".
	ReplayedFromKey = "replayed_from"
	// ReplayedAtKey is when it was replayed, in RFC 3339.
	ReplayedAtKey = "replayed_at"
)

// ErrPayloadOmitted refuses a replay: the message was parked without its payload (it was too
// large for the poison topic), so there is nothing to replay.
var ErrPayloadOmitted = errors.New("its payload was omitted when it was parked")

// parkingHeaders are what parking added to a message; a replayed copy goes without them. The
// partition and offset of the original record are dropped too: the copy is another record.
var parkingHeaders = []string{
	envelope.KeyPoisonReason, envelope.KeyPoisonTopic, envelope.KeyPoisonHandler, envelope.KeyPoisonGroup,
	envelope.KeyPayloadOmitted, envelope.KeyKafkaPartition, envelope.KeyKafkaOffset,
}

// ReplayMessage returns the copy of p to publish to p.Topic(): the same message id, payload and
// metadata, without the parking headers, with ReplayedFromKey (poisonTopic and p.Ref) and
// ReplayedAtKey. A message parked without its payload is refused with ErrPayloadOmitted.
func ReplayMessage(p Parked, poisonTopic string, at time.Time) (*message.Message, error) {
	if omitted := p.PayloadOmitted(); omitted != "" {
		return nil, fmt.Errorf("parked message %s (event %s): %w (%s); it cannot be replayed", p.Ref, p.EventID(), ErrPayloadOmitted, omitted)
	}
	if p.Topic() == "" {
		return nil, fmt.Errorf("parked message %s (event %s) has no %s header: its original topic is unknown", p.Ref, p.EventID(), envelope.KeyPoisonTopic)
	}
	m := p.Message.Copy()
	for _, key := range parkingHeaders {
		delete(m.Metadata, key)
	}
	m.Metadata.Set(ReplayedFromKey, poisonTopic+" "+p.Ref)
	m.Metadata.Set(ReplayedAtKey, at.UTC().Format(time.RFC3339Nano))
	return m, nil
}
