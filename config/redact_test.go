package config_test

import (
	"strings"
	"testing"

	"github.com/taskstream/taskstream/config"
)

// A configuration error names the variable and where its URL points, never a secret the URL
// carries: a password or token in the user info, an api_key or password in the query string.
func TestConfigErrorsDoNotShowSecretsInURLs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, value, shown string
	}{
		{"SMS_WEBHOOK_URL", "ftp://gw.example/send?api_key=s3cr3t", "ftp://gw.example/send?redacted"},
		{"SMS_WEBHOOK_URL", "sms://user:s3cr3t@gw.example/send", "sms://redacted@gw.example/send"},
		{"SMS_WEBHOOK_URL", "https://s3cr3t@/send", "https://redacted@/send"},
		{"AUTH_JWKS_URL", "ftp://user:s3cr3t@idp.example/jwks", "ftp://redacted@idp.example/jwks"},
		{"AUTH_JWKS_URL", "idp.example/jwks?token=s3cr3t", "idp.example/jwks?redacted"},
		{"DATABASE_URL", "mysql://app:s3cr3t@db/tasks?password=s3cr3t", "DATABASE_URL"},
		{"KAFKA_BROKERS", "app:s3cr3t@k1", "redacted@k1"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" "+tc.shown, func(t *testing.T) {
			t.Parallel()
			e := validEnv()
			e[tc.name] = tc.value
			_, err := config.Load(env(e))
			if err == nil {
				t.Fatalf("%s=%s is taken", tc.name, tc.value)
			}
			msg := err.Error()
			if strings.Contains(msg, "s3cr3t") {
				t.Errorf("the error shows the secret: %s", msg)
			}
			if !strings.Contains(msg, tc.name) || !strings.Contains(msg, tc.shown) {
				t.Errorf("the error does not name %s and show %q: %s", tc.name, tc.shown, msg)
			}
		})
	}
}
