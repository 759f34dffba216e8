package component_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

// The API document is a contract: schemathesis generates requests from it (valid ones, and ones
// that break it) and checks that the server takes the valid ones, refuses the others, never
// answers 5xx, and answers only what the document lists (statuses, content types, headers,
// bodies): its checks positive_data_acceptance, negative_data_rejection, not_a_server_error and
// the four *_conformance ones. Its stateful phase follows the document's links from each create to the routes that
// take the created id. Any failure fails the test with schemathesis's report.

// schemathesisVersion is pinned: a new release brings new checks, which is a change to review,
// not a surprise in an unrelated build.
const schemathesisVersion = "4.32.5"

// fuzzExamples bounds the run to well under a minute on two cores (the context's three minutes
// are only a guard); FUZZ_EXAMPLES and FUZZ_SEED run it longer or with another seed. The seed
// is fixed so that `make test` is repeatable; schemathesis prints it with any failure.
const (
	fuzzExamples = "40"
	fuzzSeed     = "1"
)

func TestAPIDocumentSaysWhatTheServerEnforces(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: runs the binary and schemathesis (a Python virtualenv)")
	}
	t.Parallel()
	st := schemathesis(t)

	addr := proc.FreeAddr(t)
	env := map[string]string{
		"HTTP_ADDR": addr, "AUTH_JWT_SECRET": secret,
		// The fuzzer sends a few thousand requests as one user, from one address, within
		// seconds: limits meant for clients would answer it 429 and hide what it tests.
		"RATE_LIMIT_RPS": "0", "RATE_LIMIT_CLIENT_RPS": "0",
	}
	all := start(t, env, "all")
	base := "http://" + addr
	all.WaitReady(t, base)
	token := signToken(t, "fuzz-user")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// testdata/schemathesis.toml selects the checks and lists, with reasons, the few answers to
	// valid requests that are by design.
	config, err := filepath.Abs(filepath.Join("testdata", "schemathesis.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, st, "--config-file", config, "run", base+"/openapi.json",
		"--phases", "examples,coverage,fuzzing,stateful",
		"--max-examples", envOr("FUZZ_EXAMPLES", fuzzExamples),
		"--seed", envOr("FUZZ_SEED", fuzzSeed),
		// One worker: with two, Hypothesis on Python 3.11 now and then fails inside its own
		// source introspection ("AST constructor recursion depth mismatch"), which is no finding.
		"--workers", "1",
		"--request-timeout", "10",
		"-H", "Authorization: Bearer "+token,
		"--output-truncate", "false",
	)
	cmd.Dir = t.TempDir() // its report directory and caches stay out of the repository
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "SCHEMATHESIS_HOOKS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	began := time.Now()
	err = cmd.Run()
	t.Logf("schemathesis ran in %s", time.Since(began).Round(time.Second))
	if err != nil {
		t.Fatalf("schemathesis found the document and the server disagreeing (%v):\n%s", err, out.String())
	}
	// The stateful phase reached the routes that take an id through the document's links.
	if m := linksCovered.FindStringSubmatch(out.String()); m == nil || m[1] == "0" {
		t.Errorf("the stateful phase followed no link:\n%s", out.String())
	}
}

var linksCovered = regexp.MustCompile(`API Links:\s+(\d+) covered`)

// signToken asks the binary for a bearer token signed with the test's secret.
func signToken(t *testing.T, user string) string {
	t.Helper()
	cmd := exec.Command(binary, "token", "--user", user)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "AUTH_JWT_SECRET=" + secret}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("taskstream token: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// schemathesis returns the path of the pinned schemathesis's `st`, installing it into a
// virtualenv in the user's cache on first use (python3 -m venv, then pip), so that the
// repository needs no Python setup of its own and later runs start at once. A lock keeps two
// test processes from installing it at the same time.
func schemathesis(t *testing.T) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("no cache directory for the schemathesis virtualenv: %v", err)
	}
	dir := filepath.Join(cache, "taskstream", "schemathesis-"+schemathesisVersion)
	st := filepath.Join(dir, "bin", "st")
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Close() }()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	// A virtualenv is complete once its marker is written; a half-made one is made again.
	marker := filepath.Join(dir, ".taskstream-complete")
	if _, err := os.Stat(marker); err == nil {
		return st
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	t.Logf("installing schemathesis %s into %s", schemathesisVersion, dir)
	for _, args := range [][]string{
		{"python3", "-m", "venv", dir},
		{filepath.Join(dir, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", "schemathesis==" + schemathesisVersion},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			var missing *exec.Error
			if errors.As(err, &missing) {
				err = fmt.Errorf("%w (install python3 and python3-venv)", err)
			}
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if err := os.WriteFile(marker, []byte(schemathesisVersion+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return st
}
