// Package architecture holds the test that enforces the dependency rule of the hexagonal
// layout, so that it cannot rot: see architecture_test.go for the rules.
package architecture
