// Package envelope puts events into Watermill messages and takes them out again. The metadata
// follows the CloudEvents Kafka binding (ce_* headers in binary mode), so consumers written in
// other languages can read Taskstream's events without a Go library.
package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	gojson "github.com/goccy/go-json"
	"github.com/google/uuid"
)

// Metadata keys. With the Kafka adapter each one becomes a record header.
const (
	KeySpecVersion   = "ce_specversion"
	KeyID            = "ce_id"
	KeyType          = "ce_type"
	KeySource        = "ce_source"
	KeyTime          = "ce_time"
	KeySchemaVersion = "ce_schemaversion"
	KeyUserID        = "ce_userid"
	// KeyPartitionKey is the CloudEvents partitioning extension: the user id, so one user's
	// events stay in order on one partition.
	KeyPartitionKey  = "ce_partitionkey"
	KeyCorrelationID = "ce_correlationid"
	KeyTraceParent   = "ce_traceparent"
	KeyContentType   = "content-type"
)

// Source is the ce_source of every event Taskstream emits.
const Source = "taskstream"

// Event describes one event to wrap.
type Event struct {
	Type          string
	SchemaVersion string
	UserID        string
	CorrelationID string
	TraceParent   string
	Time          time.Time
	Payload       any
}

// New wraps e in a message with a fresh UUIDv7 id and a JSON payload.
func New(e Event) (*message.Message, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new event id: %w", err)
	}
	payload, err := json.Marshal(e.Payload)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", e.Type, err)
	}
	msg := message.NewMessage(id.String(), payload)
	msg.Metadata = message.Metadata{
		KeySpecVersion:   "1.0",
		KeyID:            msg.UUID,
		KeyType:          e.Type,
		KeySource:        Source,
		KeyTime:          e.Time.UTC().Format(time.RFC3339Nano),
		KeySchemaVersion: e.SchemaVersion,
		KeyUserID:        e.UserID,
		KeyPartitionKey:  e.UserID,
		KeyContentType:   "application/json",
	}
	if e.CorrelationID != "" {
		msg.Metadata[KeyCorrelationID] = e.CorrelationID
	}
	if e.TraceParent != "" {
		msg.Metadata[KeyTraceParent] = e.TraceParent
	}
	return msg, nil
}

// Decode checks that msg carries an event of wantType at a schema version with wantVersion's
// major version (see checkSchemaVersion) and decodes its JSON payload into v. It is a tolerant
// reader: fields it does not know are ignored, so a producer that adds an optional field within
// a schema version does not stop the consumers deployed before it. What it cannot read is
// refused: another major version, a payload without one of the fields every producer writes
// (see requiredField), a wrong JSON type, trailing data. Its errors say what is wrong with the
// message, for the poison topic's reason header.
func Decode(msg *message.Message, wantType, wantVersion string, v any) error {
	if got := msg.Metadata.Get(KeyType); got != wantType {
		return fmt.Errorf("event type %q, want %q", got, wantType)
	}
	if err := checkSchemaVersion(msg, wantVersion); err != nil {
		return err
	}
	// goccy/go-json decodes at about a quarter of encoding/json's CPU, and the worker decodes
	// every to-do it ingests. encoding/json stays the reference: a payload goccy refuses is
	// decoded again with it, which either accepts it or says precisely what is wrong.
	if err := decodeOne(gojson.NewDecoder(bytes.NewReader(msg.Payload)), v); err != nil {
		if err := decodeOne(json.NewDecoder(bytes.NewReader(msg.Payload)), v); err != nil {
			return fmt.Errorf("decode %s payload: %w", wantType, err)
		}
	}
	if err := checkRequired(msg.Payload, v); err != nil {
		return fmt.Errorf("decode %s payload: %w", wantType, err)
	}
	return nil
}

// decoder is what encoding/json's and goccy/go-json's decoders have in common.
type decoder interface {
	Decode(v any) error
}

// decodeOne decodes one JSON value into v and requires the end of the input after it.
// (Decoder.More would not do: it reports false before a stray '}' or ']'.)
func decodeOne(dec decoder, v any) error {
	if err := dec.Decode(v); err != nil {
		return err
	}
	var rest any
	if err := dec.Decode(&rest); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// PartitionKey returns the key a broker partitions msg by: its user id.
func PartitionKey(_ string, msg *message.Message) (string, error) {
	return msg.Metadata.Get(KeyPartitionKey), nil
}
