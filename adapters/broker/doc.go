// Package broker is broker selection: the Broker interface, which holds everything that differs
// between the brokers Taskstream runs on, and its three implementations: Kafka (adapters/kafka),
// the PostgreSQL pub/sub (adapters/pgpubsub) and the in-process GoChannel. di picks one from
// the configuration; the rest of the process sees only the interface.
package broker
