// Package kafka is the outbound Kafka adapter: the sarama client configuration shared by every
// producer and consumer (security, SASL, TLS), the Watermill publisher, the batch subscriber the
// to-do worker reads with, a readiness check, and a bounded reader of a whole topic (the poison
// list).
package kafka
