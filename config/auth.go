package config

// checkAuth validates the token settings that depend on each other (issue 10, "Tokens"); the
// URL itself is checkJWKSURL's.
func (r *reader) checkAuth(c Config) {
	a := c.Auth
	if a.JWKSURL == "" {
		return
	}
	// A shared identity provider signs tokens for every application it serves: without an
	// audience and an issuer to check, a token it issued for another application would be taken.
	if a.Audience == "" {
		r.fail("AUTH_JWT_AUDIENCE", "must be set when AUTH_JWKS_URL is: tokens the provider issued for other applications would be accepted")
	}
	if a.Issuer == "" {
		r.fail("AUTH_JWT_ISSUER", "must be set when AUTH_JWKS_URL is: tokens another issuer signed with a key of the set would be accepted")
	}
}
