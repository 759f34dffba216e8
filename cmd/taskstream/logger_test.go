package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/config"
)

func TestLogFormatFollowsTheTerminalUnlessSet(t *testing.T) {
	t.Parallel()
	cases := []struct {
		setting  string
		terminal bool
		want     string
	}{
		{"", true, "text"},
		{"", false, "json"},
		{"json", true, "json"},
		{"json", false, "json"},
		{"text", false, "text"},
		{"text", true, "text"},
	}
	for _, c := range cases {
		if got := logFormat(c.setting, c.terminal); got != c.want {
			t.Errorf("logFormat(%q, terminal %v) = %q, want %q", c.setting, c.terminal, got, c.want)
		}
	}
}

// shortTimeAttr is a terminal line's time as shortTime writes it.
var shortTimeAttr = regexp.MustCompile(`^time=\d\d:\d\d:\d\d\.\d{3} `)

func TestLoggerWritesTextForAPersonAndJSONOtherwise(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	buildLogger(&out, config.Config{}, true).Info("taskstream ready", "url", "http://127.0.0.1:8080")
	line := out.String()
	if !strings.Contains(line, `level=INFO msg="taskstream ready" url=http://127.0.0.1:8080`) {
		t.Errorf("terminal line is not level, message and key=value pairs: %q", line)
	}
	// The time is the clock alone (time=15:04:05.000): no date, which would start with the year.
	if !shortTimeAttr.MatchString(line) {
		t.Errorf("terminal line carries the full date: %q", line)
	}

	out.Reset()
	buildLogger(&out, config.Config{}, false).Info("taskstream ready", "url", "http://127.0.0.1:8080")
	var rec map[string]any
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatalf("not a terminal: %q is not JSON: %v", out.String(), err)
	}
	if rec["msg"] != "taskstream ready" || rec["url"] != "http://127.0.0.1:8080" {
		t.Errorf("JSON record %v", rec)
	}
}

func TestBaseURLNamesAHostAPersonCanOpen(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		":8080":          "http://localhost:8080",
		"0.0.0.0:9000":   "http://localhost:9000",
		"[::]:9000":      "http://localhost:9000",
		"[::1]:9000":     "http://[::1]:9000",
	} {
		if got := baseURL(addr); got != want {
			t.Errorf("baseURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
