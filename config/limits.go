package config

import (
	"math"
	"strconv"
)

// Limits bounds what one client, one user or the whole instance can ask of the API. Each
// limit is per instance: N instances behind a load balancer allow up to N times as much.
type Limits struct {
	// UserRPS is RATE_LIMIT_RPS (default 1000): the requests per second one authenticated user
	// may make on average; 0 turns the per-user limit off.
	UserRPS float64
	// UserBurst is RATE_LIMIT_BURST (default 0: twice RATE_LIMIT_RPS): how many at once.
	UserBurst int
	// ClientRPS is RATE_LIMIT_CLIENT_RPS (default 50): the requests per second one client
	// address may make that do not authenticate (no token, a refused one, an unknown path);
	// 0 turns the per-address limit off.
	ClientRPS float64
	// ClientBurst is RATE_LIMIT_CLIENT_BURST (default 0: twice RATE_LIMIT_CLIENT_RPS).
	ClientBurst int
	// WSPerUser is WS_MAX_CONNECTIONS_PER_USER (default 16): open WebSockets per user.
	WSPerUser int
	// WSTotal is WS_MAX_CONNECTIONS (default three quarters of HTTP_MAX_CONNECTIONS, 3072 by
	// default): open WebSockets of the instance. It must be below HTTP_MAX_CONNECTIONS, which
	// counts WebSockets too, or sockets alone could take every connection and leave none for
	// requests.
	WSTotal int
}

// limits reads the Limits; httpConnections is HTTP_MAX_CONNECTIONS, which WS_MAX_CONNECTIONS
// must stay below.
func (r *reader) limits(httpConnections int) Limits {
	wsTotal := r.integer("WS_MAX_CONNECTIONS", max(1, httpConnections*3/4), 1, 1_000_000)
	if wsTotal >= httpConnections {
		r.fail("WS_MAX_CONNECTIONS", "must be below HTTP_MAX_CONNECTIONS (%d): WebSockets hold connections too", httpConnections)
	}
	return Limits{
		UserRPS:     r.rate("RATE_LIMIT_RPS", 1000),
		UserBurst:   r.integer("RATE_LIMIT_BURST", 0, 1, 1_000_000),
		ClientRPS:   r.rate("RATE_LIMIT_CLIENT_RPS", 50),
		ClientBurst: r.integer("RATE_LIMIT_CLIENT_BURST", 0, 1, 1_000_000),
		WSPerUser:   r.integer("WS_MAX_CONNECTIONS_PER_USER", 16, 1, 10_000),
		WSTotal:     wsTotal,
	}
}

// rate reads requests per second: 0 (off) or a positive number, fractions allowed.
func (r *reader) rate(name string, def float64) float64 {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1_000_000 || math.IsNaN(f) {
		r.fail(name, "must be 0 (off) or requests per second up to 1000000, such as 0.5 or 200, got %q", v)
	}
	return f
}
