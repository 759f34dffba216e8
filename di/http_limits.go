package di

import (
	"github.com/taskstream/taskstream/config"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// rateLimitConfig maps RATE_LIMIT_* onto the HTTP port's rate limits: a rate of 0 turns its limit
// off, a burst of 0 leaves the port's default (twice the rate).
func rateLimitConfig(l config.Limits) httpport.RateLimitConfig {
	return httpport.RateLimitConfig{
		PerUser:   httpport.RateLimit{Off: l.UserRPS == 0, RPS: l.UserRPS, Burst: l.UserBurst},
		PerClient: httpport.RateLimit{Off: l.ClientRPS == 0, RPS: l.ClientRPS, Burst: l.ClientBurst},
	}
}

// webSocketConfig maps WS_MAX_CONNECTIONS_PER_USER and WS_MAX_CONNECTIONS onto GET /v1/ws.
func webSocketConfig(l config.Limits) httpport.WebSocketConfig {
	return httpport.WebSocketConfig{MaxConnectionsPerUser: l.WSPerUser, MaxConnections: l.WSTotal}
}
