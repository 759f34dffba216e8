package config

import (
	"net"
	"net/url"
	"strings"
)

// checkJWKSURL checks AUTH_JWKS_URL when it is set: an https URL, or plain http to a loopback
// host (a key set fetched in clear over a network can be swapped for an attacker's on the way;
// adapters/jwks checks the same when it is built, this names the variable before anything
// starts). The error shows where it points, never its user info or query string (redactURL).
func (r *reader) checkJWKSURL(u string) {
	if u == "" {
		return
	}
	if !secureKeySetURL(u) {
		r.fail("AUTH_JWKS_URL", "must be an https:// URL (plain http:// only to localhost, 127.0.0.0/8 or ::1), got %q", redactURL(u))
	}
}

// secureKeySetURL reports whether raw is https, or http to localhost or a loopback address.
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
