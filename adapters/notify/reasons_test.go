package notify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// logBuffer is a logger's output, safe for the concurrent writes of a test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

// reasonOf is what a user sees of a failed send: the message of the sender's error.
func reasonOf(t *testing.T, err error) string {
	t.Helper()
	var se *shared.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v carries no reason", err)
	}
	return se.Message
}

// checkFailure checks that a send failed with the category want as the reason users see, that
// the operators' log has detail (the provider's own text), and that neither shows a secret.
func checkFailure(t *testing.T, err error, logs *logBuffer, want, detail string, secrets ...string) {
	t.Helper()
	if got := reasonOf(t, err); got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
	if !strings.Contains(logs.String(), detail) {
		t.Errorf("the log lacks %q:\n%s", detail, logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) || strings.Contains(err.Error(), s) {
			t.Errorf("%q is in the log or the error:\n%s\n%v", s, logs, err)
		}
	}
}

// The user sees what happened to the email in the categories of notification's reasons; the
// server's reply and the account go to the log, without the password.
func TestEmailFailuresShowACategory(t *testing.T) {
	t.Parallel()
	t.Run("address refused", func(t *testing.T) {
		t.Parallel()
		reply := &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here (mx1.internal.example)"}
		ts := startSMTP(t, serverOptions{tls: "none", rcptErr: reply})
		var logs logBuffer
		err := newSender(t, ts, notify.SMTPConfig{TLS: notify.TLSNone, Logger: logs.logger()}).SendEmail(context.Background(), testEmail)
		checkFailure(t, err, &logs, notification.ReasonEmailAddressRefused, "mx1.internal.example")
	})
	t.Run("login refused", func(t *testing.T) {
		t.Parallel()
		ts := startSMTP(t, serverOptions{tls: "starttls", user: "mailer-account", password: "right-s3cret"})
		var logs logBuffer
		err := newSender(t, ts, notify.SMTPConfig{TLS: notify.TLSStartTLS, Username: "mailer-account", Password: "wrong-s3cret",
			Logger: logs.logger()}).SendEmail(context.Background(), testEmail)
		checkFailure(t, err, &logs, notification.ReasonEmailRefused, "Authentication failed", "wrong-s3cret", "right-s3cret")
		if strings.Contains(reasonOf(t, err), "mailer-account") {
			t.Errorf("the reason shows the account")
		}
	})
	t.Run("server down", func(t *testing.T) {
		t.Parallel()
		ts := startSMTP(t, serverOptions{tls: "none"})
		ts.port = closedPort(t)
		var logs logBuffer
		err := newSender(t, ts, notify.SMTPConfig{TLS: notify.TLSNone, Logger: logs.logger()}).SendEmail(context.Background(), testEmail)
		checkFailure(t, err, &logs, notification.ReasonEmailUnavailable, "connection refused")
	})
	t.Run("not configured", func(t *testing.T) {
		t.Parallel()
		email, _, err := notify.NewSenders(notify.SMTPConfig{}, notify.WebhookConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(t, email.SendEmail(context.Background(), testEmail)); got != notification.ReasonEmailNotConfigured {
			t.Errorf("reason %q", got)
		}
	})
}

// The gateway's answer (here echoing the token it was sent) and the URL with its api_key reach
// only the log, redacted; the user sees whether the gateway refused or was unavailable.
func TestSMSFailuresShowACategory(t *testing.T) {
	t.Parallel()
	const token, apiKey = "tok-s3cret", "key-s3cret"
	echo := `{"error":"bad credentials","authorization":"Bearer ` + token + `","url":"/send?api_key=` + apiKey + `"}`
	cases := []struct {
		name   string
		status int
		want   string
	}{
		{"refused", http.StatusUnauthorized, notification.ReasonSMSRefused},
		{"unavailable", http.StatusServiceUnavailable, notification.ReasonSMSUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := startGateway(t, tc.status, echo, 0)
			var logs logBuffer
			s := newSMSSender(t, notify.WebhookConfig{URL: g.URL + "/send?api_key=" + apiKey, Token: token, Logger: logs.logger()})
			err := s.SendSMS(context.Background(), testSMS)
			checkFailure(t, err, &logs, tc.want, "bad credentials", token, apiKey)
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		var logs logBuffer
		url := "http://user:pw-s3cret@127.0.0.1:" + closedPortString(t) + "/send?api_key=" + apiKey
		s := newSMSSender(t, notify.WebhookConfig{URL: url, Token: token, Timeout: 2 * time.Second, Logger: logs.logger()})
		err := s.SendSMS(context.Background(), testSMS)
		checkFailure(t, err, &logs, notification.ReasonSMSUnavailable, "/send?[redacted]", apiKey, "pw-s3cret")
	})
}

// closedPort returns a loopback port nothing listens on: connections to it are refused.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

func closedPortString(t *testing.T) string { return strconv.Itoa(closedPort(t)) }
