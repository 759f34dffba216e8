// Package messages maps the events of every context to the broker messages they travel as: the
// CloudEvents envelope (platform/envelope), the partition key (the user) and the topic. The
// stores write these messages in the transaction of a change (through adapters/outbox on
// PostgreSQL, under their lock in memory), so every backend emits the same events; the to-do
// context's create event skips the outbox and is published at once (TodoEvents).
package messages
