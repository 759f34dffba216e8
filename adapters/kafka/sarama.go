package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/IBM/sarama"
)

// ProtocolVersion is the Kafka protocol version the client speaks; Kafka 4 brokers refuse the
// very old versions sarama would pick by default.
var ProtocolVersion = sarama.V3_6_0_0

// clientConfig returns the sarama settings common to producers and consumers.
func clientConfig(c Config) (*sarama.Config, error) {
	sc := sarama.NewConfig()
	sc.Version = ProtocolVersion
	sc.ClientID = c.ClientID
	sc.Net.DialTimeout = 5 * time.Second
	sc.Metadata.Retry.Max = 3
	sc.Metadata.Retry.Backoff = 250 * time.Millisecond
	if err := applySecurity(sc, c); err != nil {
		return nil, err
	}
	return sc, sc.Validate()
}

// ProducerConfig is the durable producer: acks from all in-sync replicas, idempotent (one
// in-flight request per broker, as idempotence requires), sync results.
func ProducerConfig(c Config) (*sarama.Config, error) {
	sc, err := clientConfig(c)
	if err != nil {
		return nil, err
	}
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Idempotent = true
	sc.Net.MaxOpenRequests = 1
	sc.Producer.Retry.Max = 3
	sc.Producer.Retry.Backoff = 250 * time.Millisecond
	sc.Producer.Timeout = 10 * time.Second // how long the leader waits for the in-sync replicas
	// A request that waits on a publish must not hang on a broker that stopped answering:
	// sarama's 30 s network defaults, on every attempt, could hold a POST for minutes. The read
	// timeout stays above Producer.Timeout so that a slow acks=all answer is not cut off. Worst
	// case for a black-holed broker, by arithmetic (not measured): 4 attempts x (10 s write +
	// 15 s read) + backoff, under two minutes, which sarama_test.go holds the settings to.
	sc.Net.DialTimeout = 5 * time.Second
	sc.Net.WriteTimeout = 10 * time.Second
	sc.Net.ReadTimeout = sc.Producer.Timeout + 5*time.Second
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Producer.Partitioner = sarama.NewHashPartitioner
	return sc, sc.Validate()
}

// ConsumerConfig is a consumer-group member that starts at the oldest offset when its group is
// new and commits offsets only when told to.
func ConsumerConfig(c Config) (*sarama.Config, error) {
	sc, err := clientConfig(c)
	if err != nil {
		return nil, err
	}
	sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	sc.Consumer.Offsets.AutoCommit.Enable = false
	sc.Consumer.Return.Errors = true
	sc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategySticky()}
	// The broker answers a fetch at once when it has data; with none it holds the fetch this long.
	// sarama's default, 500ms, left a partition's last records waiting half a second.
	sc.Consumer.MaxWaitTime = 50 * time.Millisecond
	sc.Consumer.Fetch.Default = 4 << 20
	sc.Consumer.Fetch.Max = 16 << 20
	sc.ChannelBufferSize = 4096
	sc.Consumer.IsolationLevel = sarama.ReadCommitted
	return sc, sc.Validate()
}

func applySecurity(sc *sarama.Config, c Config) error {
	switch c.SecurityProtocol {
	case "", "PLAINTEXT":
		return nil
	case "SSL", "SASL_SSL":
		tc, err := tlsConfig(c)
		if err != nil {
			return err
		}
		sc.Net.TLS.Enable = true
		sc.Net.TLS.Config = tc
	}
	if c.SecurityProtocol == "SASL_PLAINTEXT" || c.SecurityProtocol == "SASL_SSL" {
		sc.Net.SASL.Enable = true
		sc.Net.SASL.Handshake = true
		sc.Net.SASL.User = c.SASLUsername
		sc.Net.SASL.Password = c.SASLPassword
		switch c.SASLMechanism {
		case "PLAIN":
			sc.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		case "SCRAM-SHA-256":
			sc.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA256
			sc.Net.SASL.SCRAMClientGeneratorFunc = newSCRAMClient(sha256Generator)
		case "SCRAM-SHA-512":
			sc.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
			sc.Net.SASL.SCRAMClientGeneratorFunc = newSCRAMClient(sha512Generator)
		default:
			return fmt.Errorf("KAFKA_SASL_MECHANISM %q is not supported", c.SASLMechanism)
		}
	}
	return nil
}

func tlsConfig(c Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.TLSInsecureSkipVerify} //nolint:gosec // opt-in by KAFKA_TLS_INSECURE_SKIP_VERIFY
	if c.TLSCAFile != "" {
		pem, err := os.ReadFile(c.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("KAFKA_TLS_CA_FILE: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("KAFKA_TLS_CA_FILE: no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	if c.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.TLSCertFile, c.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("KAFKA_TLS_CERT_FILE/KAFKA_TLS_KEY_FILE: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}
