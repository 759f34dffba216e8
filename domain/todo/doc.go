// Package todo is the to-do bounded context: the Todo aggregate, its rules, the event that asks
// for a to-do to be created, and the repository port. It imports only the standard library and
// the shared kernel.
package todo
