package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/IBM/sarama"
)

// connectError describes a failed connection to the brokers of c so that an operator knows
// which setting to look at: brokers that refuse the SASL login point at KAFKA_SASL_USERNAME and
// KAFKA_SASL_PASSWORD (Kafka does not say which of the two is wrong), a broker certificate that
// does not verify at KAFKA_TLS_CA_FILE. sarama alone reports both as "client has run out of
// available brokers to talk to", which names nothing to fix.
func connectError(c Config, err error) error {
	var unknownCA x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.Is(err, sarama.ErrSASLAuthenticationFailed):
		return fmt.Errorf("kafka at %v refused the %s login of user %q: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: %w",
			c.Brokers, c.SASLMechanism, c.SASLUsername, err)
	case errors.As(err, &unknownCA), errors.As(err, &verify):
		return fmt.Errorf("the TLS certificate of kafka at %v does not verify: check KAFKA_TLS_CA_FILE (and the brokers' host names): %w",
			c.Brokers, err)
	}
	return fmt.Errorf("connect to Kafka at %v: %w", c.Brokers, err)
}
