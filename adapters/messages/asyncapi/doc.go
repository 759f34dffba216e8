// Package asyncapi writes the AsyncAPI 3.0 document of Taskstream's events: every topic (a
// channel, at its configured name), every event type (a message with its ce_* CloudEvents
// headers, its Kafka key and its payload schema), who sends each, and each consumer group that
// receives it (a receive operation per group and handler). The payload schemas are JSON Schema
// reflected from the domain's event types, so they change when the Go types do.
//
// It lives beside adapters/messages because it describes what that adapter puts on the broker:
// it may import the adapter, the domain's event types and platform/envelope's header names,
// and no port can import it, so the composition root (di) generates the document from the
// configuration and hands the bytes to the HTTP port, which serves them at /asyncapi.json.
// No Go library for AsyncAPI 3 is used: the document is a small tree of maps, written here.
package asyncapi
