package config

import (
	"net/url"
	"strings"
)

// redactURL is how a configuration error shows a URL: where it points (scheme, host, path) and
// nothing that may be a secret. User info (a password, or a token as the user name) becomes
// "redacted@" and the query string (?api_key=, password=, sslpassword=) becomes "?redacted",
// so the operator still sees that they were there. A value that does not parse as a URL is not
// shown at all. (platform/redact does the same for the adapters; config imports nothing of ours.)
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "(not shown: not a URL)"
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme + "://")
	}
	if u.User != nil {
		b.WriteString("redacted@")
	}
	b.WriteString(u.Host + u.EscapedPath())
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?redacted")
	}
	if u.Fragment != "" {
		b.WriteString("#redacted")
	}
	return b.String()
}

// redactHostPort shows a host:port list entry without what precedes an "@" (credentials put in
// front of a broker's address).
func redactHostPort(s string) string {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		return "redacted@" + s[i+1:]
	}
	return s
}
