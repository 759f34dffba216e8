package jwks

import (
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds each fetch, the first one included, so that a provider that hangs
	// cannot hold the start of the process nor a request waiting for a new kid.
	DefaultTimeout = 10 * time.Second
	// DefaultRefreshEvery is how often the set is fetched again in the background.
	DefaultRefreshEvery = time.Hour
	// DefaultMinRefreshGap is the least time between two fetches caused by unknown key ids.
	DefaultMinRefreshGap = time.Minute
)

// Config configures a KeySet. Zero values take the documented defaults.
type Config struct {
	// URL is where the identity provider publishes its key set: https, or plain http only for
	// a loopback host (127.0.0.0/8, ::1, localhost), since a key set fetched in clear can be
	// swapped for the attacker's on the way. Required.
	URL string
	// Transport carries the fetches. Default: http.DefaultTransport. The client around it is
	// the package's own: it never follows a redirect (a redirect could lead off https, or to
	// a host the operator did not name) and times out after DefaultTimeout.
	Transport http.RoundTripper
	// RefreshEvery is how often the set is fetched again in the background, so that a key the
	// provider publishes ahead of a rotation is known before the first token signed with it.
	// Default: DefaultRefreshEvery (an hour).
	RefreshEvery time.Duration
	// MinRefreshGap is the least time between two fetches caused by key ids the set does not
	// hold, counted from the start: a rotation is picked up within it, and a flood of tokens with
	// forged key ids cannot hammer the provider. Default: DefaultMinRefreshGap (a minute).
	MinRefreshGap time.Duration
	// Logger receives the failures of the fetches after the first, which keep the last good
	// set and would otherwise go unnoticed until the provider's keys rotate. Required.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Transport == nil {
		c.Transport = http.DefaultTransport
	}
	if c.RefreshEvery == 0 {
		c.RefreshEvery = DefaultRefreshEvery
	}
	if c.MinRefreshGap == 0 {
		c.MinRefreshGap = DefaultMinRefreshGap
	}
}

// Validate reports every invalid field at once. The periods must be positive: the refresh
// ticker panics on any other.
func (c Config) Validate() error {
	var errs []error
	if err := checkURL(c.URL); err != nil {
		errs = append(errs, err)
	}
	if c.Transport == nil {
		errs = append(errs, errors.New("jwks: nil Transport"))
	}
	if c.RefreshEvery <= 0 || c.MinRefreshGap <= 0 {
		errs = append(errs, errors.New("jwks: RefreshEvery and MinRefreshGap must be positive"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("jwks: nil Logger"))
	}
	return errors.Join(errs...)
}
