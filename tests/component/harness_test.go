package component_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

var binary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "taskstream-component")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if binary, err = proc.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

const secret = "component-test-secret-of-32-bytes!!"

// stopTimeout bounds a SIGTERM'd process's exit in tests that do not set SHUTDOWN_TIMEOUT (its
// default is 20s).
const stopTimeout = 30 * time.Second

func kafkaBrokers() string {
	if b := os.Getenv("KAFKA_BROKERS"); b != "" {
		return b
	}
	return "127.0.0.1:9092"
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// start runs `taskstream <args>` with exactly env (plus PATH and HOME); proc stops it at the end
// of the test.
func start(t *testing.T, env map[string]string, args ...string) *proc.Process {
	t.Helper()
	return proc.Start(t, strings.TrimSpace("taskstream "+strings.Join(args, " ")), binary, env, args...)
}

// eventually retries check every 100ms until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, check func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var err error
	for {
		if err = check(); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("still failing after %s: %v", timeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func mustContain(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("%q does not contain %q", s, want)
	}
}
