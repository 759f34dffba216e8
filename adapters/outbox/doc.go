// Package outbox turns the changes the application stores into the messages they emit, with
// their destination topics. The PostgreSQL adapter writes those messages to the outbox table in
// the transaction of the change (the relay forwards them to the broker); the in-memory adapter
// publishes them under its lock. Both therefore emit the same events.
package outbox
