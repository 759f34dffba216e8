package kafka_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
)

// constructors are the two configs every Kafka client comes from; security applies to both.
var constructors = map[string]func(kafka.Config) (*sarama.Config, error){
	"producer": kafka.ProducerConfig,
	"consumer": kafka.ConsumerConfig,
}

func TestProducerConfigIsDurable(t *testing.T) {
	t.Parallel()
	sc, err := kafka.ProducerConfig(kafka.Config{Brokers: []string{"k:9092"}, ClientID: "ts"})
	if err != nil {
		t.Fatalf("ProducerConfig: %v", err)
	}
	if sc.Producer.RequiredAcks != sarama.WaitForAll {
		t.Errorf("RequiredAcks = %v, want WaitForAll", sc.Producer.RequiredAcks)
	}
	if !sc.Producer.Idempotent || sc.Net.MaxOpenRequests != 1 {
		t.Errorf("Idempotent = %v with MaxOpenRequests %d, want idempotent with 1", sc.Producer.Idempotent, sc.Net.MaxOpenRequests)
	}
	if !sc.Producer.Return.Successes || sc.Producer.Retry.Max == 0 {
		t.Errorf("Return.Successes = %v, Retry.Max = %d: a sync producer needs successes and retries", sc.Producer.Return.Successes, sc.Producer.Retry.Max)
	}
	if sc.Version != kafka.ProtocolVersion || sc.ClientID != "ts" {
		t.Errorf("Version %v, ClientID %q", sc.Version, sc.ClientID)
	}
	// A publish to a broker that stopped answering gives up in bounded time (the API then
	// answers 503), and a slow acks=all answer is not cut off by the client.
	attempts := time.Duration(sc.Producer.Retry.Max + 1)
	if worst := attempts * (sc.Net.WriteTimeout + sc.Net.ReadTimeout); worst > 2*time.Minute {
		t.Errorf("a black-holed broker holds a publish up to %s", worst)
	}
	if sc.Net.ReadTimeout <= sc.Producer.Timeout {
		t.Errorf("Net.ReadTimeout %s must exceed Producer.Timeout %s", sc.Net.ReadTimeout, sc.Producer.Timeout)
	}
}

func TestConsumerConfigCommitsOnlyWhenTold(t *testing.T) {
	t.Parallel()
	sc, err := kafka.ConsumerConfig(kafka.Config{Brokers: []string{"k:9092"}, ClientID: "ts"})
	if err != nil {
		t.Fatalf("ConsumerConfig: %v", err)
	}
	if sc.Consumer.Offsets.Initial != sarama.OffsetOldest {
		t.Errorf("Offsets.Initial = %d, want OffsetOldest: a new group must read what came before it", sc.Consumer.Offsets.Initial)
	}
	if sc.Consumer.Offsets.AutoCommit.Enable {
		t.Error("AutoCommit is on: offsets would be committed before the batch is processed")
	}
	if sc.Consumer.IsolationLevel != sarama.ReadCommitted {
		t.Errorf("IsolationLevel = %v, want ReadCommitted", sc.Consumer.IsolationLevel)
	}
}

func TestSecurityIsAppliedFromConfig(t *testing.T) {
	t.Parallel()
	ca, cert, key := writeCertificates(t)
	tests := []struct {
		name  string
		k     kafka.Config
		check func(t *testing.T, sc *sarama.Config)
	}{
		{"plaintext", kafka.Config{}, func(t *testing.T, sc *sarama.Config) {
			if sc.Net.TLS.Enable || sc.Net.SASL.Enable {
				t.Errorf("TLS %v, SASL %v on PLAINTEXT", sc.Net.TLS.Enable, sc.Net.SASL.Enable)
			}
		}},
		{"SASL PLAIN", kafka.Config{SecurityProtocol: "SASL_PLAINTEXT", SASLMechanism: "PLAIN", SASLUsername: "alice", SASLPassword: "secret"},
			func(t *testing.T, sc *sarama.Config) {
				assertSASL(t, sc, sarama.SASLTypePlaintext)
				if sc.Net.TLS.Enable {
					t.Error("TLS on SASL_PLAINTEXT")
				}
			}},
		{"SASL SCRAM-SHA-256 over TLS", kafka.Config{SecurityProtocol: "SASL_SSL", SASLMechanism: "SCRAM-SHA-256", SASLUsername: "alice", SASLPassword: "secret", TLSCAFile: ca},
			func(t *testing.T, sc *sarama.Config) {
				assertSASL(t, sc, sarama.SASLTypeSCRAMSHA256)
				assertTLS(t, sc, 0)
			}},
		{"SASL SCRAM-SHA-512", kafka.Config{SecurityProtocol: "SASL_PLAINTEXT", SASLMechanism: "SCRAM-SHA-512", SASLUsername: "alice", SASLPassword: "secret"},
			func(t *testing.T, sc *sarama.Config) { assertSASL(t, sc, sarama.SASLTypeSCRAMSHA512) }},
		{"SSL with client certificate", kafka.Config{SecurityProtocol: "SSL", TLSCAFile: ca, TLSCertFile: cert, TLSKeyFile: key},
			func(t *testing.T, sc *sarama.Config) {
				assertTLS(t, sc, 1)
				if sc.Net.SASL.Enable || sc.Net.TLS.Config.InsecureSkipVerify {
					t.Errorf("SASL %v, InsecureSkipVerify %v on plain SSL", sc.Net.SASL.Enable, sc.Net.TLS.Config.InsecureSkipVerify)
				}
			}},
		{"SSL without verification", kafka.Config{SecurityProtocol: "SSL", TLSInsecureSkipVerify: true},
			func(t *testing.T, sc *sarama.Config) {
				if !sc.Net.TLS.Enable || !sc.Net.TLS.Config.InsecureSkipVerify {
					t.Error("KAFKA_TLS_INSECURE_SKIP_VERIFY not applied")
				}
			}},
	}
	for _, tt := range tests {
		for kind, newConfig := range constructors {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				k := tt.k
				k.Brokers, k.ClientID = []string{"k:9093"}, "ts"
				sc, err := newConfig(k)
				if err != nil {
					t.Fatalf("%s config: %v", kind, err)
				}
				tt.check(t, sc)
			})
		}
	}
}

func assertSASL(t *testing.T, sc *sarama.Config, mechanism sarama.SASLMechanism) {
	t.Helper()
	s := sc.Net.SASL
	if !s.Enable || !s.Handshake || s.Mechanism != mechanism || s.User != "alice" || s.Password != "secret" {
		t.Errorf("SASL enable %v handshake %v mechanism %q user %q, want %q as alice", s.Enable, s.Handshake, s.Mechanism, s.User, mechanism)
	}
	if strings.HasPrefix(string(mechanism), "SCRAM") && s.SCRAMClientGeneratorFunc == nil {
		t.Error("SCRAM without a client generator")
	}
}

func assertTLS(t *testing.T, sc *sarama.Config, certificates int) {
	t.Helper()
	c := sc.Net.TLS.Config
	if !sc.Net.TLS.Enable || c == nil {
		t.Fatal("TLS not enabled")
	}
	if c.RootCAs == nil || len(c.Certificates) != certificates || c.MinVersion < 0x0303 {
		t.Errorf("RootCAs set %v, %d client certificates (want %d), MinVersion %#x", c.RootCAs != nil, len(c.Certificates), certificates, c.MinVersion)
	}
}

func TestBadSecuritySettingsNameTheVariable(t *testing.T) {
	t.Parallel()
	ca, cert, key := writeCertificates(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name string
		k    kafka.Config
		want string
	}{
		{"missing CA file", kafka.Config{SecurityProtocol: "SSL", TLSCAFile: missing}, "KAFKA_TLS_CA_FILE"},
		{"CA file without a certificate", kafka.Config{SecurityProtocol: "SSL", TLSCAFile: notPEM}, "KAFKA_TLS_CA_FILE"},
		{"missing certificate file", kafka.Config{SecurityProtocol: "SSL", TLSCAFile: ca, TLSCertFile: missing, TLSKeyFile: key}, "KAFKA_TLS_CERT_FILE"},
		{"key that is not a key", kafka.Config{SecurityProtocol: "SASL_SSL", TLSCertFile: cert, TLSKeyFile: notPEM,
			SASLMechanism: "PLAIN", SASLUsername: "a", SASLPassword: "b"}, "KAFKA_TLS_KEY_FILE"},
		{"unknown SASL mechanism", kafka.Config{SecurityProtocol: "SASL_PLAINTEXT", SASLMechanism: "GSSAPI", SASLUsername: "a", SASLPassword: "b"}, "KAFKA_SASL_MECHANISM"},
	}
	for _, tt := range tests {
		for kind, newConfig := range constructors {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				k := tt.k
				k.Brokers = []string{"k:9093"}
				if _, err := newConfig(k); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error = %v, want one naming %s", err, tt.want)
				}
			})
		}
	}
}

// writeCertificates writes a self-signed CA certificate, which also serves as the client
// certificate, and its key, and returns the three paths.
func writeCertificates(t *testing.T) (ca, cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "taskstream-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	writePEM(t, cert, "CERTIFICATE", der)
	writePEM(t, key, "PRIVATE KEY", keyDER)
	return cert, cert, key
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
