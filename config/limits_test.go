package config_test

import (
	"strings"
	"testing"

	"github.com/taskstream/taskstream/config"
)

func TestLimitsDefaults(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Limits{UserRPS: 1000, ClientRPS: 50, WSPerUser: 16, WSTotal: 3072}
	if c.Limits != want {
		t.Errorf("limits = %+v, want %+v", c.Limits, want)
	}
}

func TestLimitsAreRead(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{
		"RATE_LIMIT_RPS": "0.5", "RATE_LIMIT_BURST": "3", "RATE_LIMIT_CLIENT_RPS": "0", "RATE_LIMIT_CLIENT_BURST": "7",
		"WS_MAX_CONNECTIONS_PER_USER": "4", "WS_MAX_CONNECTIONS": "100",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Limits{UserRPS: 0.5, UserBurst: 3, ClientRPS: 0, ClientBurst: 7, WSPerUser: 4, WSTotal: 100}
	if c.Limits != want {
		t.Errorf("limits = %+v, want %+v", c.Limits, want)
	}
}

// WebSockets count against HTTP_MAX_CONNECTIONS, so their cap follows it and stays below it.
func TestWebSocketCapStaysBelowTheConnectionCap(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{"HTTP_MAX_CONNECTIONS": "100"}))
	if err != nil || c.Limits.WSTotal != 75 {
		t.Errorf("WS_MAX_CONNECTIONS under HTTP_MAX_CONNECTIONS=100: %d, %v; want 75", c.Limits.WSTotal, err)
	}
	_, err = config.Load(env(map[string]string{"HTTP_MAX_CONNECTIONS": "100", "WS_MAX_CONNECTIONS": "100"}))
	if err == nil || !strings.Contains(err.Error(), "WS_MAX_CONNECTIONS must be below HTTP_MAX_CONNECTIONS") {
		t.Errorf("WS_MAX_CONNECTIONS=HTTP_MAX_CONNECTIONS: %v, want an error", err)
	}
}

func TestBadLimitsNameTheirVariable(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]string{
		"RATE_LIMIT_RPS": "-1", "RATE_LIMIT_CLIENT_RPS": "NaN", "RATE_LIMIT_BURST": "0",
		"RATE_LIMIT_CLIENT_BURST": "many", "WS_MAX_CONNECTIONS_PER_USER": "0", "WS_MAX_CONNECTIONS": "-5",
	} {
		_, err := config.Load(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: error %v, want one naming the variable", name, value, err)
		}
	}
}
