package jwks

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/taskstream/taskstream/platform/redact"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds each fetch of the default client.
	DefaultTimeout = 10 * time.Second
	// DefaultRefreshEvery is how often the set is fetched again in the background.
	DefaultRefreshEvery = time.Hour
	// DefaultMinRefreshGap is the least time between two fetches caused by unknown key ids.
	DefaultMinRefreshGap = time.Minute
)

// Config configures a KeySet. Zero values take the documented defaults.
type Config struct {
	// URL is where the identity provider publishes its key set (http or https). Required.
	URL string
	// Client fetches the set. Default: a client whose requests time out after DefaultTimeout,
	// so that a provider that hangs cannot hold the start of the process.
	Client *http.Client
	// RefreshEvery is how often the set is fetched again in the background, so that a key the
	// provider publishes ahead of a rotation is known before the first token signed with it.
	// Default: DefaultRefreshEvery (an hour).
	RefreshEvery time.Duration
	// MinRefreshGap is the least time between the last fetch and one caused by a key id the
	// set does not hold: a rotation is picked up within it, and a flood of tokens with forged
	// key ids cannot hammer the provider. Default: DefaultMinRefreshGap (a minute).
	MinRefreshGap time.Duration
	// Logger receives the failures of the fetches after the first, which keep the last good
	// set and would otherwise go unnoticed until the provider's keys rotate. Required.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Client == nil {
		c.Client = &http.Client{Timeout: DefaultTimeout}
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
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("jwks: the URL %q is not an http(s) URL", redact.URL(c.URL)))
	}
	if c.Client == nil {
		errs = append(errs, errors.New("jwks: nil Client"))
	}
	if c.RefreshEvery <= 0 || c.MinRefreshGap <= 0 {
		errs = append(errs, errors.New("jwks: RefreshEvery and MinRefreshGap must be positive"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("jwks: nil Logger"))
	}
	return errors.Join(errs...)
}
