package component_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// saslSSL is the SASL_SSL listener scripts/services.sh gives every Kafka node: SCRAM-SHA-512
// users made when the storage is formatted, and a certificate for 127.0.0.1 signed by the
// script's own CA. `scripts/services.sh env` prints where it is (KAFKA_SASL_SSL_*); without
// those variables the test takes the single node's: 127.0.0.1:9094, the CA in
// $TASKSTREAM_SERVICES_DIR/tls/ca.pem (default ~/.cache/taskstream/services), user taskstream.
type saslSSL struct {
	brokers, caFile, username, password string
}

func saslSSLListener(t *testing.T) saslSSL {
	t.Helper()
	l := saslSSL{
		brokers:  envOr("KAFKA_SASL_SSL_BROKERS", "127.0.0.1:9094"),
		caFile:   envOr("KAFKA_SASL_SSL_CA_FILE", filepath.Join(servicesDir(t), "tls", "ca.pem")),
		username: envOr("KAFKA_SASL_SSL_USERNAME", "taskstream"),
		password: envOr("KAFKA_SASL_SSL_PASSWORD", "taskstream-secret"),
	}
	if _, err := os.Stat(l.caFile); err != nil {
		t.Fatalf("the CA of Kafka's SASL_SSL listener: %v; start Kafka with scripts/services.sh up, or set KAFKA_SASL_SSL_CA_FILE", err)
	}
	return l
}

// env is the binary's Kafka settings for the listener, as user with password.
func (l saslSSL) env(user, password, caFile string) map[string]string {
	return map[string]string{
		"KAFKA_BROKERS":           l.brokers,
		"KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
		"KAFKA_SASL_MECHANISM":    "SCRAM-SHA-512",
		"KAFKA_SASL_USERNAME":     user,
		"KAFKA_SASL_PASSWORD":     password,
		"KAFKA_TLS_CA_FILE":       caFile,
	}
}

func servicesDir(t *testing.T) string {
	if d := os.Getenv("TASKSTREAM_SERVICES_DIR"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(home, ".cache", "taskstream", "services")
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// A to-do goes through a real broker's SASL_SSL listener both ways: the API produces it, the
// worker consumes and stores it, and the readiness probe answers, all logged in with SCRAM and
// verifying the broker's certificate against the CA. KAFKA_BROKERS names the SASL_SSL listener
// alone, so no client can fall back to PLAINTEXT.
func TestSASLSSLOnTheRealBroker(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	l := saslSSLListener(t)
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	for k, v := range l.env(l.username, l.password, l.caFile) {
		st.env[k] = v
	}
	all, base := st.start(t, "all")
	all.WaitReady(t, base)
	alice := newClient(t, base, "alice-"+randomSuffix(t))

	loc := alice.expect("POST", "/v1/todos", `{"title":"Sent over SASL_SSL"}`, http.StatusAccepted).header.Get("Location")
	eventually(t, 20*time.Second, func() error {
		if got := alice.do("GET", loc, ""); got.status != http.StatusOK || got.body["title"] != "Sent over SASL_SSL" {
			return fmt.Errorf("GET %s: %d %s", loc, got.status, got.raw)
		}
		return nil
	})
	mustContain(t, get(t, base+"/readyz"), `"kafka":"ok"`)
	all.Stop(t, stopTimeout)
}

// Credentials the broker refuses, or a CA that did not sign its certificate, stop the start
// with a message naming the setting to fix.
func TestSASLSSLRefusesBadCredentialsAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	l := saslSSLListener(t)
	otherCA := writeOtherCA(t)
	cases := map[string]struct {
		env  map[string]string
		want []string
	}{
		"WrongPassword": {l.env(l.username, "not-"+l.password, l.caFile), []string{"KAFKA_SASL_PASSWORD"}},
		"UnknownUser":   {l.env("nobody-"+randomSuffix(t), l.password, l.caFile), []string{"KAFKA_SASL_USERNAME"}},
		"UntrustedCA":   {l.env(l.username, l.password, otherCA), []string{"KAFKA_TLS_CA_FILE"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st := newStack(t)
			for k, v := range c.env {
				st.env[k] = v
			}
			out := startFails(t, st.env, "all")
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("the start error does not name %s:\n%s", w, out)
				}
			}
		})
	}
}

// startFails runs `taskstream <part>` with env and returns its output once it has exited with
// status 1, as a refused start does; it fails the test if the process is still running after
// a minute or exits otherwise.
func startFails(t *testing.T, env map[string]string, part string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, part)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LOG_FORMAT=text"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if ctx.Err() != nil || !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("taskstream %s: %v (context: %v), want exit status 1 at start; output:\n%s", part, err, ctx.Err(), out)
	}
	return string(out)
}

// writeOtherCA writes a CA certificate that signed nothing the broker has, and returns its file.
func writeOtherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Not the brokers' CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
