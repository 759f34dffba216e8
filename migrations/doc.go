// Package migrations holds the goose SQL migrations of the PostgreSQL schema, embedded so that
// the binary can migrate a database without files on disk. sqlc reads the same files as its
// schema, so the generated code always matches the tables.
package migrations

import "embed"

// FS holds every migration file (*.sql), named <version>_<name>.sql as goose expects.
//
//go:embed *.sql
var FS embed.FS
