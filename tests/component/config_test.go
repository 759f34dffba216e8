package component_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// A bad setting is refused at start with a message that names the variable.
func TestBadConfigurationIsRefused(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"KAFKA_SECURITY_PROTOCOL": "TLS_PLEASE",
		"TODO_BATCH_MAX_RECORDS":  "lots",
		"HTTP_ADDR":               "not-an-address",
		"AUTH_JWT_SECRET":         "short",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(binary, "all")
			cmd.Env = []string{name + "=" + value}
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want code 1; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), name) {
				t.Errorf("the error does not name %s:\n%s", name, out)
			}
		})
	}
}

func TestSubcommandsNeedASharedBroker(t *testing.T) {
	t.Parallel()
	for _, part := range []string{"api", "worker"} {
		cmd := exec.Command(binary, part)
		cmd.Env = []string{} // no DATABASE_URL nor KAFKA_BROKERS: the embedded default
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "KAFKA_BROKERS") {
			t.Errorf("%s on GoChannel: err %v, output %s", part, err, out)
		}
	}
}
