package notify_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
)

// testEmail has a subject and a body that are not ASCII, a long line, a line break and a line
// that starts with a dot (which SMTP must stuff).
var testEmail = command.Email{
	To:        "Ada Lovelace <ada@example.com>",
	Subject:   "Task due soon: Bericht prüfen",
	Body:      "Your task is due at 2026-12-04 10:00 UTC.\n.a line that starts with a dot\n" + strings.Repeat("long línea ", 12),
	MessageID: "notif-123.email",
}

func newSender(t *testing.T, ts *testServer, cfg notify.SMTPConfig) *notify.EmailSender {
	t.Helper()
	cfg.Host, cfg.Port, cfg.RootCAs = ts.host, ts.port, ts.roots
	if cfg.From == "" {
		cfg.From = "Taskstream <taskstream@example.org>"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	s, err := notify.NewEmailSender(cfg)
	if err != nil {
		t.Fatalf("NewEmailSender: %v", err)
	}
	return s
}

// The email arrives with the envelope, headers and body the sender built, in each TLS mode;
// with a username it authenticates (AUTH PLAIN) first.
func TestSendEmailDelivers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		server   serverOptions
		cfg      notify.SMTPConfig
		wantTLS  bool
		wantUser string
	}{
		{"in clear", serverOptions{tls: "none"}, notify.SMTPConfig{TLS: notify.TLSNone}, false, ""},
		{"starttls with auth", serverOptions{tls: "starttls", user: "mailer", password: "s3cret"},
			notify.SMTPConfig{TLS: notify.TLSStartTLS, Username: "mailer", Password: "s3cret"}, true, "mailer"},
		{"implicit tls", serverOptions{tls: "tls"}, notify.SMTPConfig{TLS: notify.TLSImplicit}, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := startSMTP(t, tc.server)
			if err := newSender(t, ts, tc.cfg).SendEmail(context.Background(), testEmail); err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
			mails := ts.received()
			if len(mails) != 1 {
				t.Fatalf("the server received %d emails, want 1", len(mails))
			}
			got := mails[0]
			if got.From != "taskstream@example.org" || len(got.To) != 1 || got.To[0] != "ada@example.com" {
				t.Errorf("envelope from %q to %v", got.From, got.To)
			}
			if got.TLS != tc.wantTLS || got.User != tc.wantUser {
				t.Errorf("tls %v, user %q; want %v, %q", got.TLS, got.User, tc.wantTLS, tc.wantUser)
			}
			checkMessage(t, got.Data)
		})
	}
}

// checkMessage parses data as the receiver does and compares it with testEmail.
func checkMessage(t *testing.T, data []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("the message has a bare LF:\n%s", data)
	}
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, data)
	}
	h := m.Header
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != testEmail.Subject {
		t.Errorf("Subject %q decodes to %q (%v), want %q", h.Get("Subject"), subject, err, testEmail.Subject)
	}
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "taskstream@example.org" || from[0].Name != "Taskstream" {
		t.Errorf("From %q: %v", h.Get("From"), err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "ada@example.com" || to[0].Name != "Ada Lovelace" {
		t.Errorf("To %q: %v", h.Get("To"), err)
	}
	if date, err := h.Date(); err != nil || time.Since(date) > time.Minute || time.Since(date) < -time.Minute {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	want := map[string]string{
		"Message-ID":                "<notif-123.email@example.org>",
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s: %q, want %q", k, h.Get(k), v)
		}
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	if got := strings.TrimRight(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n"); got != testEmail.Body {
		t.Errorf("body\n%q\nwant\n%q", got, testEmail.Body)
	}
}

// A permanent reply (5xx) means the email can never be sent: kind invalid with the server's
// reason. A temporary one (4xx) may pass later: kind unavailable.
func TestSendEmailClassifiesReplies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		reply    *smtp.SMTPError
		wantKind shared.Kind
	}{
		{"550 mailbox unavailable", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}, shared.KindInvalid},
		{"451 try later", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "greylisted, try later"}, shared.KindUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := startSMTP(t, serverOptions{tls: "none", rcptErr: tc.reply})
			err := newSender(t, ts, notify.SMTPConfig{TLS: notify.TLSNone}).SendEmail(context.Background(), testEmail)
			if shared.KindOf(err) != tc.wantKind {
				t.Fatalf("error %v of kind %v, want %v", err, shared.KindOf(err), tc.wantKind)
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), tc.reply.Message) || !strings.Contains(err.Error(), "ada@example.com") {
				t.Errorf("error %q does not carry the server's reason and the address", err)
			}
			if n := len(ts.received()); n != 0 {
				t.Errorf("the server received %d emails", n)
			}
		})
	}
}

// A wrong password is refused with 535: the email is not sent, and the reason says so.
func TestSendEmailWrongPassword(t *testing.T) {
	t.Parallel()
	ts := startSMTP(t, serverOptions{tls: "starttls", user: "mailer", password: "s3cret"})
	err := newSender(t, ts, notify.SMTPConfig{TLS: notify.TLSStartTLS, Username: "mailer", Password: "wrong"}).
		SendEmail(context.Background(), testEmail)
	if shared.KindOf(err) != shared.KindInvalid || !strings.Contains(err.Error(), "Authentication failed") {
		t.Errorf("error %v (kind %v), want invalid with the server's reason", err, shared.KindOf(err))
	}
}

// A line break in the recipient or the subject would inject headers: the email is refused as
// invalid before any connection.
func TestSendEmailRefusesHeaderInjection(t *testing.T) {
	t.Parallel()
	ts := startSMTP(t, serverOptions{tls: "none"})
	s := newSender(t, ts, notify.SMTPConfig{TLS: notify.TLSNone})
	bad := []command.Email{
		{To: "ada@example.com\r\nBcc: eve@example.com", Subject: "x", Body: "b", MessageID: "m1"},
		{To: "ada@example.com", Subject: "x\nBcc: eve@example.com", Body: "b", MessageID: "m2"},
		{To: "ada@example.com", Subject: "x\rBcc: eve@example.com", Body: "b", MessageID: "m3"},
		{To: "not an address", Subject: "x", Body: "b", MessageID: "m4"},
		{To: "ada@example.com", Subject: "x", Body: "b", MessageID: ""},
		{To: "ada@example.com", Subject: "x", Body: "b", MessageID: "a b>\r\nBcc: eve@example.com"},
	}
	for _, e := range bad {
		if err := s.SendEmail(context.Background(), e); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%+v: error %v, want kind invalid", e, err)
		}
	}
	if n := ts.sessionCount(); n != 0 {
		t.Errorf("the server saw %d sessions, want none", n)
	}
}

// A server that is down, that does not answer, or that does not offer the STARTTLS the sender
// requires gives a retryable error; the send returns within its timeout.
func TestSendEmailUnreachableIsRetryable(t *testing.T) {
	t.Parallel()
	silent, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never greets
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	_ = closed.Close()
	plain := startSMTP(t, serverOptions{tls: "none"})

	cases := []struct {
		name string
		port int
		mode string
	}{
		{"connection refused", closedPort, notify.TLSNone},
		{"no greeting", silent.Addr().(*net.TCPAddr).Port, notify.TLSNone},
		{"no starttls offered", plain.port, notify.TLSStartTLS},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := notify.NewEmailSender(notify.SMTPConfig{Host: "127.0.0.1", Port: tc.port, TLS: tc.mode,
				From: "taskstream@example.org", Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = s.SendEmail(context.Background(), testEmail)
			if shared.KindOf(err) != shared.KindUnavailable {
				t.Errorf("error %v of kind %v, want unavailable", err, shared.KindOf(err))
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("the send took %v with a 300ms timeout", d)
			}
		})
	}
	if n := len(plain.received()); n != 0 {
		t.Errorf("the server without STARTTLS received %d emails in clear", n)
	}
}

// A configuration that cannot work is refused when the sender is made.
func TestNewEmailSenderValidates(t *testing.T) {
	t.Parallel()
	bad := []notify.SMTPConfig{
		{From: "a@example.org"}, // no host
		{Host: "mail", From: "not an address"},
		{Host: "mail", From: "a@example.org", TLS: "ssl"},
		{Host: "mail", From: "a@example.org", TLS: notify.TLSNone, Username: "u", Password: "p"},
		{Host: "mail", From: "a@example.org", Port: 70000},
	}
	for _, c := range bad {
		if _, err := notify.NewEmailSender(c); err == nil {
			t.Errorf("%+v was accepted", c)
		}
	}
}
