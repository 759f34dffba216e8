package postgres

// MarkProcessed and ProcessOnce expose the inbox to the tests of package postgres_test.
var (
	MarkProcessed = markProcessed
	ProcessOnce   = processOnce
)
