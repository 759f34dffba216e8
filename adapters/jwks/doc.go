// Package jwks is the outbound adapter of an identity provider's JSON Web Key Set (RFC 7517):
// KeySet fetches the set at a URL, keeps its RS256 signing keys by key id, and fetches it again
// every RefreshEvery and when asked for a key id it does not know (at most once per
// MinRefreshGap), so that keys the provider rotates in are picked up without a restart.
//
// A fetch that fails after the first keeps the last good set and is logged: a provider that is
// briefly down must not lock every caller out. Only the first fetch, in New, is fatal, because
// a process without any key could accept no token at all.
//
// The package only finds keys; verifying tokens with them is the HTTP port's job
// (ports/http.RS256Authenticator), which asks for keys through its own small interface.
package jwks
