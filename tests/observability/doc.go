// Package observability checks the operations files of deploy/ with the tools that read them:
// Prometheus's rule files and configuration with promtool (check and unit tests). Whether their
// metric names exist is checked against a live binary in tests/component.
package observability
