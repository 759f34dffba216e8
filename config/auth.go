package config

import (
	"net"
	"net/url"
	"strings"
)

// checkAuth validates the token settings that depend on each other (issue 10, "Tokens").
func (r *reader) checkAuth(c Config) {
	a := c.Auth
	if a.JWKSURL == "" {
		return
	}
	if !secureKeySetURL(a.JWKSURL) {
		r.fail("AUTH_JWKS_URL", "must be an https:// URL (plain http:// only for localhost, 127.0.0.0/8 or ::1)")
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

// secureKeySetURL reports whether raw is https, or http to a loopback host: a key set fetched
// in clear over a network can be swapped for an attacker's on the way. adapters/jwks checks the
// same when it is built; this check names the variable before anything starts.
func secureKeySetURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		host := u.Hostname()
		ip := net.ParseIP(host)
		return strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback())
	}
	return false
}
