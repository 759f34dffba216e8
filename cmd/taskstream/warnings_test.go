package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/config"
)

func lookup(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

// A Kafka password sent unencrypted (allowed explicitly) and unverified broker certificates
// work, but each start says so in the log, naming the variable.
func TestStartWarnsAboutInsecureKafkaTransports(t *testing.T) {
	t.Parallel()
	base := map[string]string{"KAFKA_BROKERS": "k:9092", "DATABASE_URL": "postgres://db/ts", "KAFKA_SASL_USERNAME": "svc", "KAFKA_SASL_PASSWORD": "s3cret"}
	cases := []struct {
		name     string
		env      map[string]string
		variable string
	}{
		{"PLAIN without TLS, allowed", map[string]string{"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM": "PLAIN",
			"KAFKA_ALLOW_PLAINTEXT_PASSWORD": "true"}, "KAFKA_ALLOW_PLAINTEXT_PASSWORD"},
		{"certificates not verified", map[string]string{"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
			"KAFKA_TLS_INSECURE_SKIP_VERIFY": "true"}, "KAFKA_TLS_INSECURE_SKIP_VERIFY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range c.env {
				env[k] = v
			}
			cfg, err := config.Load(lookup(env))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			logWarnings(cfg, slog.New(slog.NewTextHandler(&out, nil)))
			if log := out.String(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, "variable="+c.variable) {
				t.Errorf("log %q, want a warning naming %s", log, c.variable)
			}
			if strings.Contains(out.String(), "s3cret") {
				t.Error("the warning shows the password")
			}
		})
	}
	// A secure transport logs nothing.
	cfg, err := config.Load(lookup(map[string]string{"KAFKA_BROKERS": "k:9092", "DATABASE_URL": "postgres://db/ts", "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
		"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "svc", "KAFKA_SASL_PASSWORD": "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	logWarnings(cfg, slog.New(slog.NewTextHandler(&out, nil)))
	if out.Len() != 0 {
		t.Errorf("logged %q for SASL_SSL", out.String())
	}
}
