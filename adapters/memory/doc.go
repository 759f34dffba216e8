// Package memory holds in-memory implementations of the repository ports, for the embedded
// default (nothing survives a restart) and for unit tests. They keep the same rules as the
// PostgreSQL adapters; one contract suite checks both.
package memory
