// Package broker chooses and builds the message broker from configuration (Kafka or the
// in-process GoChannel) and holds the outbound event publishers the use cases call.
package broker
