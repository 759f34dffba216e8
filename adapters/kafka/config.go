package kafka

// Config holds the connection settings of every Kafka client of the process: producers,
// consumers, the admin client and the readiness probe. di maps the KAFKA_* settings onto it.
type Config struct {
	// Brokers are the bootstrap servers, host:port. Required.
	Brokers []string
	// ClientID names the client to the brokers (their logs and quotas).
	ClientID string
	// SecurityProtocol is PLAINTEXT (the zero value too), SSL, SASL_PLAINTEXT or SASL_SSL.
	SecurityProtocol string
	// SASLMechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, with SASLUsername and
	// SASLPassword, for the SASL protocols.
	SASLMechanism string
	SASLUsername  string
	SASLPassword  string
	// TLSCAFile verifies the brokers' certificates (the system's roots when empty);
	// TLSCertFile and TLSKeyFile are the client's certificate, for SSL and SASL_SSL.
	TLSCAFile             string
	TLSCertFile           string
	TLSKeyFile            string
	TLSInsecureSkipVerify bool
}
