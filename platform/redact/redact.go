// Package redact takes secrets out of texts meant for logs and errors: the credentials and
// query strings of URLs (an SMS gateway's ?api_key=, a password in a database or identity
// provider URL), bearer tokens, and the secrets a caller names (a token or password the provider
// may echo back in its answer). What is left still says where a call went and what failed.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mark replaces what was taken out.
const Mark = "[redacted]"

// URL shows where raw points (scheme, host, path) without what may be secret: user info (a
// password, or a token as the user name) becomes "[redacted]@", a query string "?[redacted]",
// a fragment "#[redacted]". A value that does not parse as a URL is not shown.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return Mark
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme + "://")
	}
	if u.User != nil {
		b.WriteString(Mark + "@")
	}
	b.WriteString(u.Host + u.EscapedPath())
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?" + Mark)
	}
	if u.Fragment != "" {
		b.WriteString("#" + Mark)
	}
	return b.String()
}

var (
	// urlPattern finds absolute URLs in a text (as net/http quotes them in its errors).
	urlPattern = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)
	// bearerPattern finds an Authorization value a server echoes back.
	bearerPattern = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*`)
	// keyValuePattern finds secrets written as key=value or "key":"value" outside URLs.
	keyValuePattern = regexp.MustCompile(`(?i)\b((?:api[_-]?key|access[_-]?token|token|secret|password|passwd|pwd)"?\s*[=:]\s*"?)[^\s"&,;]+`)
)

// Text returns s with every URL shown as URL does, bearer and basic credentials, key=value
// secrets (api_key, token, secret, password) and each of secrets (values the caller knows to
// be secret, such as the token it sent; empty ones are ignored) replaced by Mark.
func Text(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, Mark)
		}
	}
	s = urlPattern.ReplaceAllStringFunc(s, URL)
	s = bearerPattern.ReplaceAllString(s, "$1 "+Mark)
	return keyValuePattern.ReplaceAllString(s, "${1}"+Mark)
}

// Error is err with the text Text makes of its message; errors.Is and errors.As still see err.
func Error(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	return &redacted{msg: Text(err.Error(), secrets...), err: err}
}

type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }

func (r *redacted) Unwrap() error { return r.err }
