package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildBinary builds cmd/taskstream to path.
func buildBinary(ctx context.Context, path string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", path, "github.com/taskstream/taskstream/cmd/taskstream")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/taskstream: %w", err)
	}
	return nil
}

// child is a running taskstream subcommand whose stderr goes to a log file.
type child struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan error
}

// startChild runs `taskstream <sub>` with the environment of the bench plus env.
func (e benchEnv) startChild(sub, label string, env map[string]string) (*child, error) {
	logPath := filepath.Join(e.dir, label+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(e.bin, sub)
	cmd.Env = withoutOTEL(os.Environ()) // tracing only where env turns it on (tracing.go)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start taskstream %s: %w", sub, err)
	}
	c := &child{name: sub, cmd: cmd, log: logPath, done: make(chan error, 1)}
	go func() {
		c.done <- cmd.Wait()
		_ = f.Close()
	}()
	return c, nil
}

// Pid returns the process id.
func (c *child) Pid() int { return c.cmd.Process.Pid }

// Exited reports whether the process has already ended, and how.
func (c *child) Exited() (bool, error) {
	select {
	case err := <-c.done:
		c.done <- err
		return true, err
	default:
		return false, nil
	}
}

// Stop sends SIGTERM and waits up to timeout for a clean exit, then kills the process.
func (c *child) Stop(timeout time.Duration) error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		c.done <- err
		if err != nil {
			return fmt.Errorf("taskstream %s exited with %w; log: %s", c.name, err, c.tail())
		}
		return nil
	case <-time.After(timeout):
		_ = c.cmd.Process.Kill()
		err := <-c.done
		c.done <- err
		return fmt.Errorf("taskstream %s did not stop within %s after SIGTERM", c.name, timeout)
	}
}

// tail returns the end of the process's log, for error messages.
func (c *child) tail() string {
	b, err := os.ReadFile(c.log)
	if err != nil {
		return err.Error()
	}
	const keep = 4000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return "\n" + string(b)
}

// freeAddr returns a loopback address with a port nobody listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String(), nil
}

// cpuTimes is CPU seconds (user+system) per group of processes, read from /proc: the process
// under test, PostgreSQL's processes, Kafka's JVM, Jaeger and the bench itself. It is what the two
// cores were spent on during a phase.
type cpuTimes map[string]float64

const clockTicks = 100 // USER_HZ on Linux

// sampleCPU reads the CPU times of the processes now running. testPid is the process under
// test (0 when it runs inside the bench). Key "busy" is the whole machine's busy time, from
// which sub derives "other": what the rest of the machine spent.
func sampleCPU(testPid int) cpuTimes {
	out := cpuTimes{"busy": machineBusy()}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, secs, ok := procStat(pid)
		if !ok {
			continue
		}
		switch {
		case pid == testPid:
			out["taskstream"] += secs
		case pid == self:
			out["bench"] += secs
		case comm == "postgres":
			out["postgres"] += secs
		case comm == "java":
			out["kafka"] += secs
		case comm == "jaeger":
			out["jaeger"] += secs
		}
	}
	return out
}

// procStat returns a process's command name and CPU seconds from /proc/<pid>/stat.
func procStat(pid int) (string, float64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	s := string(b)
	open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closing < open {
		return "", 0, false
	}
	fields := strings.Fields(s[closing+1:]) // fields[0] is the state, field 3 of stat
	if len(fields) < 13 {
		return "", 0, false
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err := errors.Join(err1, err2); err != nil {
		return "", 0, false
	}
	return s[open+1 : closing], (utime + stime) / clockTicks, true
}

// machineBusy returns the CPU seconds all CPUs spent not idle since boot, from /proc/stat.
func machineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	busy := 0.0
	for i, f := range fields[1:] {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || i >= 8 {
			break
		}
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy / clockTicks
}

// sub returns the CPU seconds spent since before, with "other" instead of "busy".
func (c cpuTimes) sub(before cpuTimes) cpuTimes {
	out := cpuTimes{}
	for k, v := range c {
		out[k] = v - before[k]
	}
	other := out["busy"]
	delete(out, "busy")
	for _, v := range out {
		other -= v
	}
	out["other"] = max(other, 0)
	return out
}
