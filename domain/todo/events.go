package todo

// Event types and schema versions of the to-do context. Their names are a public contract: a
// consumer in another language matches on them (the ce_type header).
const (
	EventCreateRequested        = "taskstream.todo.create_requested"
	EventCreateRequestedVersion = "1"
)
