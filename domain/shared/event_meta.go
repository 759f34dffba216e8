package shared

// EventMeta is what every event carries besides its payload: the correlation id and W3C trace
// context of the request (or message) that caused it, so one change can be followed through the
// broker and the consumers. Repositories that write events in the transaction of a change take
// it beside the change.
type EventMeta struct {
	CorrelationID string
	TraceParent   string
}
