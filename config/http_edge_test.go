package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/config"
)

// The embedded default, in memory with a token it makes itself, listens on loopback alone; a
// configured deployment on every interface; HTTP_ADDR wins in both.
func TestEmbeddedDefaultListensOnLoopback(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"embedded", nil, "127.0.0.1:8080"},
		{"embedded with HTTP_ADDR", map[string]string{"HTTP_ADDR": ":9000"}, ":9000"},
		{"postgres", map[string]string{"DATABASE_URL": "postgres://u@h/db"}, ":8080"},
		{"postgres and kafka", validEnv(), ":8080"},
		{"postgres with gochannel", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BROKER": "gochannel"}, ":8080"},
	}
	for _, tc := range cases {
		c, err := config.Load(env(tc.env))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.HTTPAddr != tc.want {
			t.Errorf("%s: HTTP_ADDR = %q, want %q", tc.name, c.HTTPAddr, tc.want)
		}
	}
}

func TestHTTPEdgeSettings(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := config.HTTPEdge{ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxConnections: 4096}
	if c.HTTP != want {
		t.Errorf("defaults %+v, want %+v", c.HTTP, want)
	}
	c, err = config.Load(env(map[string]string{
		"HTTP_READ_TIMEOUT": "5s", "HTTP_WRITE_TIMEOUT": "1m", "HTTP_IDLE_TIMEOUT": "30s",
		"HTTP_MAX_CONNECTIONS": "100", "METRICS_ADDR": "127.0.0.1:9090",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want = config.HTTPEdge{ReadTimeout: 5 * time.Second, WriteTimeout: time.Minute, IdleTimeout: 30 * time.Second,
		MaxConnections: 100, MetricsAddr: "127.0.0.1:9090"}
	if c.HTTP != want {
		t.Errorf("set %+v, want %+v", c.HTTP, want)
	}
}

func TestBadHTTPEdgeValuesNameTheirVariable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"HTTP_READ_TIMEOUT": "0s"}, "HTTP_READ_TIMEOUT"},
		{map[string]string{"HTTP_WRITE_TIMEOUT": "soon"}, "HTTP_WRITE_TIMEOUT"},
		{map[string]string{"HTTP_IDLE_TIMEOUT": "-1s"}, "HTTP_IDLE_TIMEOUT"},
		{map[string]string{"HTTP_READ_TIMEOUT": "1m", "HTTP_WRITE_TIMEOUT": "10s"}, "HTTP_WRITE_TIMEOUT"},
		{map[string]string{"HTTP_MAX_CONNECTIONS": "0"}, "HTTP_MAX_CONNECTIONS"},
		{map[string]string{"METRICS_ADDR": "9090"}, "METRICS_ADDR"},
		{map[string]string{"METRICS_ADDR": ":8080"}, "METRICS_ADDR"}, // HTTP_ADDR's
	}
	for _, tc := range cases {
		kv := validEnv()
		for k, v := range tc.set {
			kv[k] = v
		}
		_, err := config.Load(env(kv))
		if err == nil {
			t.Errorf("%v was accepted", tc.set)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %q does not name %s", tc.set, err, tc.want)
		}
	}
}
