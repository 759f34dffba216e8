// Package command holds the use cases that change state, one file each. Each declares the
// outbound interfaces it needs next to it; adapters implement them.
package command
