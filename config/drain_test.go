package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/config"
)

// A deployment drains for 5 s after SIGTERM, so that its load balancer sees /readyz fail before
// the listener closes; the embedded default, with nothing in front, stops at once;
// SHUTDOWN_DRAIN_DELAY wins in both, and 0 turns the drain off.
func TestShutdownDrainDelay(t *testing.T) {
	t.Parallel()
	postgres := map[string]string{"DATABASE_URL": "postgres://u@h/db"}
	cases := []struct {
		name string
		env  map[string]string
		want time.Duration
	}{
		{"embedded", nil, 0},
		{"embedded with a delay", map[string]string{"SHUTDOWN_DRAIN_DELAY": "2s"}, 2 * time.Second},
		{"postgres", postgres, 5 * time.Second},
		{"postgres and kafka", validEnv(), 5 * time.Second},
		{"postgres, drain off", withVar(postgres, "SHUTDOWN_DRAIN_DELAY", "0"), 0},
		{"postgres, 1.5s", withVar(postgres, "SHUTDOWN_DRAIN_DELAY", "1500ms"), 1500 * time.Millisecond},
	}
	for _, tc := range cases {
		c, err := config.Load(env(tc.env))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.ShutdownDrainDelay != tc.want {
			t.Errorf("%s: SHUTDOWN_DRAIN_DELAY = %s, want %s", tc.name, c.ShutdownDrainDelay, tc.want)
		}
	}
}

func TestShutdownDrainDelayMustBeADuration(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"-1s", "5", "soon"} {
		_, err := config.Load(env(withVar(validEnv(), "SHUTDOWN_DRAIN_DELAY", bad)))
		if err == nil || !strings.Contains(err.Error(), "SHUTDOWN_DRAIN_DELAY") {
			t.Errorf("SHUTDOWN_DRAIN_DELAY=%s: error %v, want one naming the variable", bad, err)
		}
	}
}

// withVar returns a copy of kv with k set to v.
func withVar(kv map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range kv {
		if key != k {
			out[key] = val
		}
	}
	return out
}
