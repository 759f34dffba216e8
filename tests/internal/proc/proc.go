// Package proc runs the taskstream binary for the process-level tests (tests/crash,
// tests/component): build it once, start it with an environment, wait until it is ready, kill
// it with SIGKILL or stop it with SIGTERM, and keep its output for the failure report.
package proc

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build compiles ./cmd/taskstream into dir and returns the binary's path.
func Build(dir string) (string, error) {
	binary := filepath.Join(dir, "taskstream")
	cmd := exec.Command("go", "build", "-o", binary, "github.com/taskstream/taskstream/cmd/taskstream")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/taskstream: %w", err)
	}
	return binary, nil
}

// FreeAddr returns a loopback address with a port nobody listens on right now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// Process is a running taskstream binary. Its output is kept, and shown when the test fails.
type Process struct {
	Name   string
	cmd    *exec.Cmd
	output *buffer
	done   chan struct{}
	err    error
}

// Start runs binary with args and exactly env (plus PATH and HOME). The process is killed when
// the test ends, if it still runs. SHUTDOWN_DRAIN_DELAY is 0 unless env sets it: no load
// balancer is in front of a test's process, and its SIGTERM should not wait for one.
func Start(t testing.TB, name, binary string, env map[string]string, args ...string) *Process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LOG_FORMAT=text", "SHUTDOWN_DRAIN_DELAY=0"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &Process{Name: name, cmd: cmd, output: &buffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.output, p.output
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s (taskstream %v): %v", name, args, err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s (taskstream %v) output:\n%s", name, args, p.Output())
		}
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

// Output returns what the process wrote so far.
func (p *Process) Output() string { return p.output.String() }

// Running reports whether the process has not exited.
func (p *Process) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// WaitReady polls base+"/readyz" until it answers 200; the process exiting first, or a minute
// passing, fails the test.
func (p *Process) WaitReady(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if !p.Running() {
			t.Fatalf("%s exited early: %v\n%s", p.Name, p.err, p.Output())
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s at %s was not ready within a minute", p.Name, base)
}

// Kill9 kills the process with SIGKILL and checks that it died of it (not of something else
// before).
func (p *Process) Kill9(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill -9 %s: %v", p.Name, err)
	}
	<-p.done
	var exit *exec.ExitError
	if !errors.As(p.err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("%s did not die of SIGKILL: %v", p.Name, p.err)
	}
}

// Signal sends sig to the process.
func (p *Process) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s to %s: %v", sig, p.Name, err)
	}
}

// Wait expects the process to exit with status 0 within timeout (of a signal sent before).
func (p *Process) Wait(t testing.TB, timeout time.Duration) {
	t.Helper()
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("%s exited with %v, want status 0", p.Name, p.err)
		}
	case <-time.After(timeout):
		t.Errorf("%s did not stop within %s of the signal", p.Name, timeout)
	}
}

// Stop sends SIGTERM and expects exit status 0 within timeout.
func (p *Process) Stop(t testing.TB, timeout time.Duration) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // one that has exited already is reported by Wait
	p.Wait(t, timeout)
}

type buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
