package observability_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// promtool finds promtool, Debian's prometheus package's. The rules ship with the service, so
// a machine that runs the whole suite must have it (.ci/run installs it): missing, the test
// fails rather than skips; -short, which needs no service, skips it.
func promtool(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs promtool (Debian's prometheus package)")
	}
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: install Debian's prometheus package (apt-get install prometheus), as .ci/run does")
	}
	return path
}

func deployFiles(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "prometheus", filepath.FromSlash(pattern)))
	if err != nil || len(files) == 0 {
		t.Fatalf("no deploy/prometheus/%s: %v", pattern, err)
	}
	return files
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestRuleFilesAreValid(t *testing.T) {
	t.Parallel()
	run(t, promtool(t), append([]string{"check", "rules"}, deployFiles(t, "rules/*.yml")...)...)
}

// The alerts fire on the series that should fire them, and not before: deploy/prometheus/tests.
func TestRulesPassTheirUnitTests(t *testing.T) {
	t.Parallel()
	run(t, promtool(t), append([]string{"test", "rules"}, deployFiles(t, "tests/*.yml")...)...)
}

// Both Prometheus configurations (services.sh's and Docker Compose's) load, with their rules.
func TestPrometheusConfigurationsAreValid(t *testing.T) {
	t.Parallel()
	p := promtool(t)
	run(t, p, "check", "config", "--syntax-only", deployFiles(t, "docker/prometheus.yml")[0])
	run(t, p, "check", "config", deployFiles(t, "prometheus.yml")[0])
}
