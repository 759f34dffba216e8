// Package component holds the component tests: they build the real taskstream binary, start it
// against the real PostgreSQL and Kafka of `make services` (each test with its own database,
// topics and consumer group), and drive it over HTTP and Kafka.
package component
