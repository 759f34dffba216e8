// Package console is the browser console served at /: a page and plain ES modules (no build
// step, no framework) that call the JSON API with the signed-in user's bearer token and follow
// GET /v1/ws for live updates (docs/adr/0014). The files are embedded in the binary, so the
// console works with no network, and are served under a Content-Security-Policy that allows
// scripts, styles and connections from the server alone and no inline script or style.
package console
