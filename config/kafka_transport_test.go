package config_test

import (
	"strings"
	"testing"

	"github.com/taskstream/taskstream/config"
)

// SASL PLAIN over SASL_PLAINTEXT sends the password as it is: refused at start unless the
// operator allows it explicitly. SCRAM, which never sends the password, is not refused.
func TestKafkaPlainPasswordWithoutTLSIsRefusedUnlessAllowed(t *testing.T) {
	t.Parallel()
	base := func(extra map[string]string) map[string]string {
		m := map[string]string{"KAFKA_BROKERS": "k:9092", "DATABASE_URL": "postgres://db/ts", "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
			"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	_, err := config.Load(env(base(nil)))
	if err == nil || !strings.Contains(err.Error(), "KAFKA_ALLOW_PLAINTEXT_PASSWORD") {
		t.Errorf("PLAIN over SASL_PLAINTEXT: %v, want a refusal naming KAFKA_ALLOW_PLAINTEXT_PASSWORD", err)
	}
	c, err := config.Load(env(base(map[string]string{"KAFKA_ALLOW_PLAINTEXT_PASSWORD": "true"})))
	if err != nil {
		t.Fatalf("allowed explicitly: %v", err)
	}
	if w := c.Warnings(); len(w) != 1 || w[0].Variable != "KAFKA_ALLOW_PLAINTEXT_PASSWORD" {
		t.Errorf("warnings %+v, want the plaintext password", w)
	}
	if _, err := config.Load(env(base(map[string]string{"KAFKA_SASL_MECHANISM": "SCRAM-SHA-256"}))); err != nil {
		t.Errorf("SCRAM over SASL_PLAINTEXT: %v, want it accepted", err)
	}
}

func TestKafkaInsecureSkipVerifyIsAWarning(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{"KAFKA_BROKERS": "k:9092", "DATABASE_URL": "postgres://db/ts", "KAFKA_SECURITY_PROTOCOL": "SSL",
		"KAFKA_TLS_INSECURE_SKIP_VERIFY": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 1 || w[0].Variable != "KAFKA_TLS_INSECURE_SKIP_VERIFY" {
		t.Errorf("warnings %+v, want KAFKA_TLS_INSECURE_SKIP_VERIFY", w)
	}
	if c, _ := config.Load(env(map[string]string{"KAFKA_BROKERS": "k:9092", "DATABASE_URL": "postgres://db/ts", "KAFKA_SECURITY_PROTOCOL": "SSL"})); len(c.Warnings()) != 0 {
		t.Errorf("warnings %+v for a verified TLS connection", c.Warnings())
	}
}
