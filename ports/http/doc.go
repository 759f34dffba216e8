// Package httpport is Taskstream's inbound HTTP port: a gin engine that authenticates callers
// with bearer JWTs, decodes and checks requests, calls the use cases of package application and
// writes their results as JSON, or their errors as RFC 9457 problem details.
//
// The port owns only HTTP concerns: routing, request ids, correlation and trace context, access
// logs, Prometheus metrics, body limits, panic recovery, authentication and the OpenAPI document
// (openapi.yaml, served at /openapi.json and kept in step with the routes by a test). It imports
// application and domain, never an adapter: whoever assembles the service (package di) hands it
// an application.Application and its Deps.
//
// GET /v1/ws is a WebSocket that pushes each of the caller's task changes (ws.go): it takes the
// frames of a platform/live Hub, which a messaging handler fills from topic task-updates.
//
// Rate limits (rate_limit.go) bound the requests of each user and, before authentication, the
// unauthenticated requests of each client address, answering 429 with Retry-After; /v1/ws caps
// the open sockets per user and per instance (ws_limits.go).
//
// # Errors
//
// Every error becomes a problem document in one place (statusOf in problem.go). Problems of
// type invalid answer 400 when the request cannot be read (malformed JSON, unknown or null
// fields, wrong types, bad query parameters) and 422 when it was read but breaks a domain rule
// (an empty or too long title). Internal errors are logged and never described to the caller.
//
// # Conditional requests
//
// A task's ETag is its version as a strong entity tag ("3"). GET answers 304 when If-None-Match
// names it; the changes take an optional If-Match (etag.go), and the use case refuses a stale
// one, which answers 412.
package httpport
