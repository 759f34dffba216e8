package config

// Console configures the browser console at /. Nothing of it is read from the environment.
type Console struct {
	// SignInSecret is the key of the console's one-click sign-in (a token for any user name).
	// It is set by the binary in the embedded default alone, to the random secret it makes
	// there (cmd/taskstream prepareEmbedded), and stays empty with DATABASE_URL, a broker or a
	// configured AUTH_JWT_SECRET or AUTH_JWKS_URL: then nobody signs in without a real token.
	SignInSecret string
}
