package redact_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/platform/redact"
)

func TestText(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{`Post "https://gw.example/send?api_key=k3y": dial tcp: refused`,
			`Post "https://gw.example/send?[redacted]": dial tcp: refused`},
		{`postgres://app:pw@db:5432/tasks?sslpassword=x failed`, `postgres://[redacted]@db:5432/tasks?[redacted] failed`},
		{`status 401: {"error":"bad token","got":"Bearer tok.en-1"}`, `status 401: {"error":"bad token","got":"Bearer [redacted]"}`},
		{`status 400: api_key=k3y rejected, "token": "abc"`, `status 400: api_key=[redacted] rejected, "token": "[redacted]"`},
		{`535 5.7.8 authentication failed for s3cr3t-pass`, `535 5.7.8 authentication failed for [redacted]`},
		{`550 5.1.1 <bob@example.com>: user unknown`, `550 5.1.1 <bob@example.com>: user unknown`},
	}
	for _, tc := range cases {
		if got := redact.Text(tc.in, "s3cr3t-pass", ""); got != tc.want {
			t.Errorf("Text(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestErrorKeepsTheChain(t *testing.T) {
	t.Parallel()
	err := redact.Error(errors.Join(errors.New("token=abc"), io.ErrUnexpectedEOF))
	if !errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "abc") {
		t.Errorf("redact.Error = %v", err)
	}
	if redact.Error(nil) != nil {
		t.Error("redact.Error(nil) is not nil")
	}
}
