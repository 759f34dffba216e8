package asyncapi

import (
	"encoding/json"

	"github.com/taskstream/taskstream/platform/envelope"
)

// Version is the AsyncAPI version of the document.
const Version = "3.0.0"

// kafkaBinding is the version of the AsyncAPI Kafka bindings used.
const kafkaBinding = "0.5.0"

// Generate returns the AsyncAPI 3.0 document of topology as indented JSON. The same topology
// gives the same bytes.
func Generate(topology Topology) ([]byte, error) {
	if err := topology.validate(); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(document(topology), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func document(tp Topology) object {
	chans, ops, msgs := object{}, object{}, object{}
	for _, c := range channels {
		chans[c.id] = channelObject(c, tp)
		ops["send-"+c.id] = object{
			"action": "send", "channel": ref("#/channels/" + c.id), "summary": c.sender,
			"messages": messageRefs(c),
		}
		for _, e := range c.events {
			msgs[e.id] = eventMessage(e)
		}
	}
	msgs["parked"] = parkedMessage()
	for _, r := range receivers {
		ops["receive-"+r.handler] = receiveOperation(r, tp.Groups)
	}
	return object{
		"asyncapi": Version,
		"info": object{
			"title":   "Taskstream events",
			"version": "1.0.0",
			"description": "Every topic Taskstream uses, at its configured name, the events on it and who sends and " +
				"receives them. Events are CloudEvents 1.0 in the Kafka binary binding: the attributes are ce_* " +
				"headers, the payload is the JSON body, the record key is the user id, so one user's events stay " +
				"in order. Consumers refuse payload fields they do not know within a schema version (ce_schemaversion).",
		},
		"defaultContentType": "application/json",
		"channels":           chans,
		"operations":         ops,
		"components":         object{"messages": msgs},
	}
}

func channelObject(c channel, tp Topology) object {
	binding := object{"topic": c.address(tp.Topics), "bindingVersion": kafkaBinding}
	if tp.Partitions > 0 {
		binding["partitions"] = tp.Partitions
	}
	refs := object{}
	if c.parked {
		refs["parked"] = ref("#/components/messages/parked")
	}
	for _, e := range c.events {
		refs[e.id] = ref("#/components/messages/" + e.id)
	}
	return object{
		"address": c.address(tp.Topics), "title": c.title, "description": c.description,
		"messages": refs, "bindings": object{"kafka": binding},
	}
}

// messageRefs are the channel's messages, referred to through the channel as AsyncAPI 3 asks.
func messageRefs(c channel) []any {
	refs := make([]any, 0, len(c.events)+1)
	if c.parked {
		refs = append(refs, ref("#/channels/"+c.id+"/messages/parked"))
	}
	for _, e := range c.events {
		refs = append(refs, ref("#/channels/"+c.id+"/messages/"+e.id))
	}
	return refs
}

func receiveOperation(r receiver, g Groups) object {
	group := r.group(g)
	op := object{
		"action": "receive", "channel": ref("#/channels/" + r.channel), "summary": r.summary,
		"messages": messageRefs(channelByID(r.channel)), "x-handler": r.handler, "x-consumer-group": group,
	}
	if r.perInstance {
		op["x-consumer-group"] = group + "-{instance}"
		op["description"] = "Every API instance reads every message: on Kafka without a consumer group, on " +
			"PostgreSQL in a group of its own, this name and an id of the process."
		return op
	}
	op["bindings"] = object{"kafka": object{
		"groupId": object{"type": "string", "enum": []string{group}}, "bindingVersion": kafkaBinding,
	}}
	return op
}

func channelByID(id string) channel {
	for _, c := range channels {
		if c.id == id {
			return c
		}
	}
	panic("asyncapi: no channel " + id) // the catalogue names only its own channels; a test checks it
}

func eventMessage(e event) object {
	return object{
		"name": e.eventType, "title": e.eventType + " v" + e.version, "summary": e.summary,
		"contentType": "application/json", "headers": cloudEventHeaders(e), "payload": schemaFor(e.payload),
		"correlationId": object{
			"description": "The X-Request-ID of the request that caused the event, when there was one.",
			"location":    "$message.header#/" + envelope.KeyCorrelationID,
		},
		"bindings":         object{"kafka": kafkaKey()},
		"x-ce-type":        e.eventType,
		"x-schema-version": e.version,
	}
}

// kafkaKey is the record key of every event: the user it concerns.
func kafkaKey() object {
	return object{
		"key":            object{"type": "string", "description": "The user id (ce_partitionkey), so one user's events stay in order."},
		"bindingVersion": kafkaBinding,
	}
}

// cloudEventHeaders is the header schema of e: envelope.New's ce_* headers, the event's type
// and schema version fixed.
func cloudEventHeaders(e event) object {
	str := func(desc string) object { return object{"type": "string", "description": desc} }
	fixed := func(v, desc string) object { return object{"type": "string", "const": v, "description": desc} }
	props := object{
		envelope.KeySpecVersion:   fixed("1.0", "CloudEvents version."),
		envelope.KeyID:            object{"type": "string", "format": "uuid", "description": "Event id, a UUIDv7."},
		envelope.KeyType:          fixed(e.eventType, "Event type."),
		envelope.KeySource:        fixed(envelope.Source, "Producer."),
		envelope.KeyTime:          object{"type": "string", "format": "date-time", "description": "When it happened."},
		envelope.KeySchemaVersion: fixed(e.version, "Version of the payload schema."),
		envelope.KeyUserID:        str("The user it concerns."),
		envelope.KeyPartitionKey:  str("The user id: the record key (CloudEvents partitioning extension)."),
		envelope.KeyCorrelationID: str("The request id of the API call behind it, when there was one."),
		envelope.KeyTraceParent:   str("W3C traceparent of the span that produced it, when traced."),
		envelope.KeyContentType:   fixed("application/json", "Payload encoding."),
	}
	return object{
		"type": "object", "properties": props,
		"required": []string{
			envelope.KeySpecVersion, envelope.KeyID, envelope.KeyType, envelope.KeySource, envelope.KeyTime,
			envelope.KeySchemaVersion, envelope.KeyUserID, envelope.KeyPartitionKey, envelope.KeyContentType,
		},
	}
}

// parkedMessage is a message on the poison topic: the original's headers and payload, plus
// why and where it was parked.
func parkedMessage() object {
	str := func(desc string) object { return object{"type": "string", "description": desc} }
	return object{
		"name": "parked", "title": "Parked message",
		"summary": "A message no consumer could process: its original ce_* headers and payload, with the poison headers.",
		"headers": object{
			"type": "object",
			"properties": object{
				envelope.KeyPoisonReason:   str("Why it was parked."),
				envelope.KeyPoisonTopic:    str("The topic it was read from."),
				envelope.KeyPoisonHandler:  str("The handler that gave up on it."),
				envelope.KeyPoisonGroup:    str("The consumer group of that handler."),
				envelope.KeyPayloadOmitted: str("Set when the payload was too large to park: its size and the broker's error."),
				envelope.KeyKafkaPartition: str("Partition of the original record, when read from Kafka in batches."),
				envelope.KeyKafkaOffset:    str("Offset of the original record, when read from Kafka in batches."),
				envelope.KeyType:           str("The original event's type, when it had one."),
				envelope.KeyPartitionKey:   str("The original's key."),
				envelope.KeySchemaVersion:  str("The original's schema version."),
				envelope.KeyContentType:    str("The original's content type."),
			},
			"required":             []string{envelope.KeyPoisonReason, envelope.KeyPoisonTopic, envelope.KeyPoisonHandler, envelope.KeyPoisonGroup},
			"additionalProperties": object{"type": "string"},
		},
		"payload":  object{"description": "The original payload, unchanged (empty when omitted)."},
		"bindings": object{"kafka": kafkaKey()},
	}
}

func ref(to string) object { return object{"$ref": to} }
