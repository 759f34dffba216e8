// Package outbox is the transactional outbox on PostgreSQL: the Writer the stores write the
// messages of a change with, in the change's transaction (watermill-sql's publisher on the
// *sql.Tx, in Watermill Forwarder envelopes, to the table watermill_outbox); the Relay, which
// forwards that table to the broker in commit order and deletes what it forwarded (the sidecar,
// `taskstream relay`); and the backlog the relay has not forwarded yet, with its metrics. With
// BROKER=postgres the Writer writes each message straight to its topic table of the PostgreSQL
// pub/sub instead (Direct mode), and no relay runs. ADR 7 says why.
package outbox
