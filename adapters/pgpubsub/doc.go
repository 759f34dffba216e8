// Package pgpubsub is the PostgreSQL publish/subscribe Taskstream runs on when it has no Kafka
// (BROKER=postgres): watermill-sql's pub/sub with a table per topic and a position per consumer
// group, the rows handed over in commit order (ADR 6). It creates the tables, publishes,
// subscribes (a group may start at the newest row), reads a whole topic (the parked messages)
// and deletes what is older than the retention.
package pgpubsub
