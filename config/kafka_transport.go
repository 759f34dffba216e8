package config

import "fmt"

// Warning is a setting that works but weakens the service's security: the process logs each
// one at start, so that it shows in every deployment's logs rather than only in its manifest.
type Warning struct {
	// Variable names the environment variable that asked for it.
	Variable string
	// Message says what it costs.
	Message string
}

// plaintextPassword reports whether the Kafka client would send its password as it is over an
// unencrypted connection: SASL PLAIN without TLS. Anyone on the path reads the password.
// (SCRAM does not send it, so SCRAM over SASL_PLAINTEXT is not refused.)
func (k Kafka) plaintextPassword() bool {
	return k.SecurityProtocol == "SASL_PLAINTEXT" && k.SASLMechanism == "PLAIN"
}

// checkKafkaTransport refuses SASL PLAIN without TLS unless KAFKA_ALLOW_PLAINTEXT_PASSWORD says
// the operator knows (a broker on a private network or loopback).
func (r *reader) checkKafkaTransport(k Kafka) {
	if k.plaintextPassword() && !k.AllowPlaintextPassword {
		r.fail("KAFKA_SASL_MECHANISM", "PLAIN with KAFKA_SECURITY_PROTOCOL SASL_PLAINTEXT sends the password unencrypted: use SASL_SSL or SCRAM-SHA-512, or set KAFKA_ALLOW_PLAINTEXT_PASSWORD=true")
	}
}

// Warnings lists the settings of c that work but weaken its security. Kafka's are listed only
// when the process talks to Kafka (the broker, or the relay).
func (c Config) Warnings() []Warning {
	if c.Broker != BrokerKafka && !c.RelayNeeded() {
		return nil
	}
	var out []Warning
	k := c.Kafka
	if k.plaintextPassword() {
		out = append(out, Warning{"KAFKA_ALLOW_PLAINTEXT_PASSWORD",
			fmt.Sprintf("Kafka SASL PLAIN over %s: the password of user %q crosses the network unencrypted", k.SecurityProtocol, k.SASLUsername)})
	}
	if k.TLSInsecureSkipVerify {
		out = append(out, Warning{"KAFKA_TLS_INSECURE_SKIP_VERIFY",
			"Kafka brokers' TLS certificates are not verified: anyone on the path can pose as a broker and read or forge every event"})
	}
	return out
}
