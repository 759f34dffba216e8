// Package config reads Taskstream's settings from environment variables. Every setting has a
// documented default (see README.md, "Configuration"); a bad value is refused at start with an
// error that names the variable. Only cmd/ and di/ import this package.
package config
