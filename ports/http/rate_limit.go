package httpport

import (
	"errors"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/domain/shared"
)

// RateLimitConfig bounds the request rate of each user and of each client address, per instance.
// The zero value is valid: both limits are on at their defaults.
type RateLimitConfig struct {
	// PerUser bounds the /v1 requests of one authenticated user, checked after authentication.
	// Default: 1000 per second, bursts of 2000.
	PerUser RateLimit
	// PerClient bounds the requests from one client address that end unauthenticated: without
	// a token, with a refused one, to an unknown path or to /openapi.json. It is checked before
	// authentication, so an address that used it up is refused without its token being checked;
	// requests that authenticate are the user's to pay for, so users behind one address (a
	// company's NAT) do not share a bucket. The address is the connection's: X-Forwarded-For is
	// not trusted, since no proxy is configured as trusted. Default: 50 per second, bursts of 100.
	PerClient RateLimit
	// MaxKeys bounds how many users, and apart from them how many client addresses, are
	// tracked at once (rate_limit_keys.go). Default: 50,000.
	MaxKeys int
}

// RateLimit is one token bucket per key: RPS requests per second on average, Burst at once.
type RateLimit struct {
	// Off turns the limit off; RPS and Burst are then ignored.
	Off bool
	// RPS is the sustained rate. Zero means the default of the limit.
	RPS float64
	// Burst is how many requests may come at once after a quiet time. Zero means twice RPS.
	Burst int
}

// Defaults of RateLimitConfig. The per-user rate is far above what one client of `make bench`
// drives (64 users sharing some 13,000 to 20,000 requests per second: about 300 each).
const (
	DefaultUserRPS          = 1000
	DefaultClientRPS        = 50
	DefaultRateLimitMaxKeys = 50_000
)

func (c *RateLimitConfig) setDefaults() {
	c.PerUser.setDefaults(DefaultUserRPS)
	c.PerClient.setDefaults(DefaultClientRPS)
	if c.MaxKeys == 0 {
		c.MaxKeys = DefaultRateLimitMaxKeys
	}
}

func (l *RateLimit) setDefaults(rps float64) {
	if l.Off {
		return
	}
	if l.RPS == 0 {
		l.RPS = rps
	}
	if l.Burst == 0 {
		l.Burst = max(1, int(math.Ceil(2*l.RPS)))
	}
}

func (c RateLimitConfig) validate() error {
	var errs []error
	for name, l := range map[string]RateLimit{"PerUser": c.PerUser, "PerClient": c.PerClient} {
		if !l.Off && (l.RPS < 0 || math.IsNaN(l.RPS) || math.IsInf(l.RPS, 0) || l.Burst < 0) {
			errs = append(errs, errors.New("httpport: RateLimit."+name+" needs a finite, positive RPS and Burst"))
		}
	}
	if c.MaxKeys < 0 {
		errs = append(errs, errors.New("httpport: RateLimit.MaxKeys must not be negative"))
	}
	return errors.Join(errs...)
}

// Scopes of a refusal, the label values of taskstream_rate_limited_total.
const (
	scopeClient = "client"
	scopeUser   = "user"
)

// unlimitedPaths are the operations endpoints a handler serves, which are never limited: probes
// and scrapes must get through an attack. With SeparateOps, /readyz and /metrics are on an
// address of their own and are unknown paths here, limited as such.
func unlimitedPaths(cfg Config) map[string]bool {
	if cfg.SeparateOps {
		return map[string]bool{"/healthz": true}
	}
	return map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}
}

var (
	errUserRateLimited = &httpError{status: http.StatusTooManyRequests, slug: "too-many-requests",
		err: &shared.Error{Kind: shared.KindInvalid, Message: "too many requests for this user; retry after the seconds Retry-After says"}}
	errClientRateLimited = &httpError{status: http.StatusTooManyRequests, slug: "too-many-requests",
		err: &shared.Error{Kind: shared.KindInvalid, Message: "too many unauthenticated requests from this address; retry after the seconds Retry-After says"}}
)

// rateLimits are the two limits of the API. A nil set is a limit turned off.
type rateLimits struct {
	users, clients *keyedLimiters
	unlimited      map[string]bool // paths
	refused        *prometheus.CounterVec
	logger         *slog.Logger
}

// newRateLimits makes the limits of cfg.RateLimit for a handler of cfg.
func newRateLimits(handler Config, reg prometheus.Registerer, logger *slog.Logger) (*rateLimits, error) {
	cfg := handler.RateLimit
	refused, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "taskstream_rate_limited_total",
		Help: "Requests refused with 429 by a rate limit, by scope: client (an address's unauthenticated requests) or user.",
	}, []string{"scope"}))
	if err != nil {
		return nil, err
	}
	keys, err := register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "taskstream_rate_limit_keys",
		Help: "Client addresses and users a rate limit tracks, by scope; at most the configured bound each.",
	}, []string{"scope"}))
	if err != nil {
		return nil, err
	}
	r := &rateLimits{unlimited: unlimitedPaths(handler), refused: refused, logger: logger}
	for _, scope := range []string{scopeClient, scopeUser} {
		refused.WithLabelValues(scope) // present at 0 from the start
		keys.WithLabelValues(scope).Set(0)
	}
	gauge := func(scope string) func(int) {
		g := keys.WithLabelValues(scope)
		return func(n int) { g.Set(float64(n)) }
	}
	if !cfg.PerUser.Off {
		r.users = newKeyedLimiters(cfg.PerUser, cfg.MaxKeys, gauge(scopeUser))
	}
	if !cfg.PerClient.Off {
		r.clients = newKeyedLimiters(cfg.PerClient, cfg.MaxKeys, gauge(scopeClient))
	}
	return r, nil
}

// perClient refuses a request from an address whose bucket is empty, before authentication,
// and charges the address for each request that ends unauthenticated. Charging after the
// request (not before) is what leaves authenticated requests out; requests that passed the
// check at the same time are all charged, into debt if need be, so concurrency cannot beat the
// rate for long.
func (r *rateLimits) perClient() gin.HandlerFunc {
	return func(c *gin.Context) {
		if r.clients == nil || r.unlimited[c.Request.URL.Path] {
			c.Next()
			return
		}
		now := time.Now()
		lim := r.clients.get(clientKey(c.Request.RemoteAddr), now)
		if tokens := lim.TokensAt(now); tokens < 1 {
			r.refuse(c, scopeClient, time.Duration((1-tokens)/float64(lim.Limit())*float64(time.Second)))
			return
		}
		c.Next()
		if _, authenticated := c.Get(userKey{}); !authenticated {
			lim.ReserveN(time.Now(), 1)
		}
	}
}

// perUser charges the authenticated caller for the request, or refuses it when the user's
// bucket is empty. It runs after authenticate.
func (r *rateLimits) perUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		if r.users == nil {
			c.Next()
			return
		}
		now := time.Now()
		res := r.users.get(string(userOf(c)), now).ReserveN(now, 1)
		if wait := res.DelayFrom(now); wait > 0 {
			res.CancelAt(now) // a refused request costs nothing
			r.refuse(c, scopeUser, wait)
			return
		}
		c.Next()
	}
}

// refuse answers 429 with a Retry-After of wait, rounded up to whole seconds.
func (r *rateLimits) refuse(c *gin.Context, scope string, wait time.Duration) {
	r.refused.WithLabelValues(scope).Inc()
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	err := errUserRateLimited
	if scope == scopeClient {
		err = errClientRateLimited
	}
	abortWithProblem(c, r.logger, err)
}

// clientKey is the address a request came from: the connection's remote IP, never a header a
// client can write (X-Forwarded-For, X-Real-IP). An IPv6 client is keyed by its /64, the block
// one host usually has to itself and could rotate through.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		prefix, _ := addr.Prefix(64)
		return prefix.String()
	}
	return addr.String()
}
