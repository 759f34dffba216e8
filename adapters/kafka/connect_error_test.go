package kafka

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/IBM/sarama"
)

// The start error names the setting behind the failure, and keeps sarama's error for errors.Is.
func TestConnectErrorNamesTheSetting(t *testing.T) {
	c := Config{Brokers: []string{"127.0.0.1:9094"}, SASLMechanism: "SCRAM-SHA-512", SASLUsername: "taskstream"}
	cases := map[string]struct {
		err  error
		want []string
	}{
		"refused login": {sarama.Wrap(sarama.ErrOutOfBrokers, sarama.ErrSASLAuthenticationFailed),
			[]string{"KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", `"taskstream"`, "SCRAM-SHA-512"}},
		"unknown CA": {sarama.Wrap(sarama.ErrOutOfBrokers, x509.UnknownAuthorityError{}), []string{"KAFKA_TLS_CA_FILE"}},
		"no broker":  {sarama.ErrOutOfBrokers, []string{"connect to Kafka at [127.0.0.1:9094]"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := connectError(c, tc.err)
			for _, w := range tc.want {
				if !strings.Contains(got.Error(), w) {
					t.Errorf("%q does not name %s", got, w)
				}
			}
			if !errors.Is(got, sarama.ErrOutOfBrokers) {
				t.Errorf("%q no longer wraps sarama's error", got)
			}
		})
	}
}
