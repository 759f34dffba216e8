// Package messaging is the inbound messaging port: handlers that take messages from the broker,
// decode them, and call the use cases. Handler names and topic names are a public contract:
// renaming one re-consumes or loses messages.
package messaging
