// Package shared is the shared kernel of the bounded contexts: the error kinds every context
// reports, identifiers and small validation helpers. It imports only the standard library.
package shared
