// Package apidocs serves the documentation pages from files embedded in the binary: /docs, the
// OpenAPI document in Swagger UI (vendored from npm by scripts/vendor-docs.sh, pinned and checked
// by a sha256 manifest), /docs/events, the AsyncAPI document rendered as a page, and
// /asyncapi.json itself. Nothing is fetched from another host, so the pages work with no
// network; no page has an inline script, so the Content-Security-Policy allows scripts from
// the server alone.
package apidocs
