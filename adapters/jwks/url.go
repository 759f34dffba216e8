package jwks

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/taskstream/taskstream/platform/redact"
)

// checkURL accepts an https URL, or an http URL whose host is a loopback address or localhost:
// a key set is what every token is checked against, so it must not travel in clear over a
// network (a local provider or a test server on the same machine is not on one).
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("jwks: the URL %q is not an https URL", redact.URL(raw))
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return fmt.Errorf("jwks: the URL %q must be https (plain http only for a loopback host)", redact.URL(raw))
	}
	return nil
}

// loopback reports whether host is localhost or an address in 127.0.0.0/8 or ::1.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
