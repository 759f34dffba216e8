// Package messaging is the inbound messaging port: the consumer pipeline every consumer runs
// (Policy: retries, parking in the poison topic, the grace on stop; Run for consumers that take
// one message at a time, RunBatches for those that take batches) and the handlers that decode a
// message and call a use case. Handler names and topic names are a public contract: renaming
// one re-consumes or loses messages. ADR 12 says why there is one pipeline.
package messaging
