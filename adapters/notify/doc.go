// Package notify is the outbound adapter of the notification channels besides in_app: an SMTP
// email sender (command.EmailSender) and an HTTP webhook SMS sender (command.SMSSender), and
// senders that fail every send when their channel is not configured.
//
// Every sender classifies its failures for the caller's retry: an error of kind invalid
// (shared.KindInvalid) means the message can never be sent as it is (a refused address, a
// permanent SMTP 5xx reply, a 4xx from the SMS gateway, a channel without configuration); any
// other error (kind unavailable: a 4xx SMTP reply, a 5xx, 408 or 429 from the gateway, a
// network failure or a timeout) may pass on a later try. The senders are safe for concurrent
// use; each send opens its own connection and is bounded by the configured timeout.
package notify
