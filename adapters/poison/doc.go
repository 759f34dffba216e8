// Package poison reads and replays the messages parked in the poison topic: a message no
// consumer could process, with the reason and where it came from in its headers
// (platform/envelope.MarkPoisoned). Parking is the use case of `taskstream poison list` and
// `replay`; the brokers read the topic (Reader).
package poison
