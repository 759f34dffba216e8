package config

import "net/url"

// checkJWKSURL checks AUTH_JWKS_URL when it is set: an http(s) URL with a host. The error shows
// where it points, never its user info or query string (redactURL).
func (r *reader) checkJWKSURL(u string) {
	if u == "" {
		return
	}
	if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		r.fail("AUTH_JWKS_URL", "must be an http:// or https:// URL, got %q", redactURL(u))
	}
}
