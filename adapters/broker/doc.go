// Package broker chooses and builds the message broker from configuration (Kafka, PostgreSQL
// through watermill-sql, or the in-process GoChannel), holds the outbound event publishers the
// use cases call, and reads and replays the messages parked in the poison topic.
package broker
