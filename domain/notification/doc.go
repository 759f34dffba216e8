// Package notification is the notification context: a message for one user, delivered on the
// channels the request names (in_app, email, sms), each with its own status, and the events
// that request one. Deadline reminders, scored tests and other contexts ask for notifications
// with a Requested event on topic notification.request.
package notification
