// Package notification is the notification context: a message for one user, delivered on the
// channels the request names (in_app, email, sms), each with its own status, and its events.
// Deadline reminders, scored tests and other contexts ask for notifications with a Requested
// event on topic notification.request; the store emits a Created event on topic
// notification.created for each notification it stores, which the API instances push to the
// user's WebSocket connections.
package notification
