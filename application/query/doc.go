// Package query holds the use cases that read state, one file each.
package query
