// Package jwks is the outbound adapter of an identity provider's JSON Web Key Set (RFC 7517): a
// thin wrapper around github.com/MicahParks/keyfunc/v3 and its storage, MicahParks/jwkset
// (docs/adr/0013). KeySet fetches the set at a URL at start, again every RefreshEvery and when
// a token names a key id it does not know (at most once per MinRefreshGap), so that keys the
// provider rotates in are picked up without a restart.
//
// What the wrapper adds to the library: the URL must be https (plain http only for a loopback
// host), redirects are never followed, a document is read up to maxDocumentBytes, only RS256
// signing keys of at least 2048 bits are kept and a set without any is refused, a refetch for an
// unknown kid outlives the caller that caused it, and every failed fetch after the first is
// logged to the Logger it is given, keeping the last good set. Only the first fetch, in New, is
// fatal, because a process without any key could accept no token at all.
//
// The package only finds keys; verifying tokens with them is the HTTP port's job
// (ports/http.RS256Authenticator), which asks for them through its own small interface.
package jwks
