// Package config reads Taskstream's settings from environment variables. Every setting has a
// documented default (see README.md, "Configuration"); a bad value is refused at start with an
// error that names the variable. It knows no business and imports nothing of the project: cmd/
// and di/ load it, and the adapters that connect to the outside (adapters/kafka,
// adapters/broker) take their settings as its types.
package config
