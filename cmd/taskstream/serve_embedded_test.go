package main

import (
	"log/slog"
	"testing"

	"github.com/taskstream/taskstream/config"
)

// The console's one-click sign-in (a token for any user name) exists in the embedded default
// alone: in memory, on GoChannel, with the random secret made for the run, listening on
// loopback. With a database, a broker, a configured secret or an address other machines reach,
// nobody gets a token without holding the key.
func TestOneClickSignInOnlyInTheEmbeddedDefault(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"embedded default", map[string]string{}, true},
		{"embedded on localhost", map[string]string{"HTTP_ADDR": "localhost:9000"}, true},
		{"embedded on every interface", map[string]string{"HTTP_ADDR": ":8080"}, false},
		{"embedded on a public address", map[string]string{"HTTP_ADDR": "192.0.2.10:8080"}, false},
		{"PostgreSQL", map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"}, false},
		{"PostgreSQL on GoChannel", map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db", "BROKER": "gochannel"}, false},
		{"PostgreSQL and Kafka", map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db", "KAFKA_BROKERS": "127.0.0.1:9092"}, false},
		{"configured secret", map[string]string{"AUTH_JWT_SECRET": "a-configured-secret-of-32-bytes!!"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := prepareEmbedded(&cfg, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			got := cfg.Console.SignInSecret != ""
			if got != tc.want {
				t.Fatalf("one-click sign-in = %v, want %v", got, tc.want)
			}
			if got && cfg.Console.SignInSecret != cfg.Auth.JWTSecret {
				t.Error("the sign-in secret is not the secret the API checks tokens with")
			}
		})
	}
}
