// Package schedule is the inbound port of time: it runs a use case at an interval, as
// ports/messaging runs use cases on messages and ports/http on requests. Run is the loop; each
// job (deadline_reminders.go) builds its command from the time of the tick, calls the use case
// and reports what it did. Like the other ports it imports application and domain, never an
// adapter.
package schedule
