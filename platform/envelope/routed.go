package envelope

import "github.com/ThreeDotsLabs/watermill/message"

// Routed is a message and the topic it is for: what a change emits (adapters/messages), what
// the outbox stores and what its relay forwards.
type Routed struct {
	Topic   string
	Message *message.Message
}
