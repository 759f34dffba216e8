package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
)

// Without SMTP_HOST and SMS_WEBHOOK_URL every send fails as invalid, naming what is missing.
func TestNewSendersWithoutConfiguration(t *testing.T) {
	t.Parallel()
	email, sms, err := notify.NewSenders(notify.SMTPConfig{}, notify.WebhookConfig{})
	if err != nil {
		t.Fatal(err)
	}
	err = email.SendEmail(context.Background(), testEmail)
	if shared.KindOf(err) != shared.KindInvalid || !strings.Contains(err.Error(), "email is not configured: SMTP_HOST is empty") {
		t.Errorf("email: %v (kind %v)", err, shared.KindOf(err))
	}
	err = sms.SendSMS(context.Background(), command.SMS{To: "+49", Body: "b", ID: "1"})
	if shared.KindOf(err) != shared.KindInvalid || !strings.Contains(err.Error(), "SMS is not configured: SMS_WEBHOOK_URL is empty") {
		t.Errorf("sms: %v (kind %v)", err, shared.KindOf(err))
	}
}

// Configured channels get the real senders, with the configuration's settings.
func TestNewSendersConfigured(t *testing.T) {
	t.Parallel()
	ts := startSMTP(t, serverOptions{tls: "none"})
	g := startGateway(t, 200, "", 0)
	email, sms, err := notify.NewSenders(
		notify.SMTPConfig{Host: ts.host, Port: ts.port, TLS: notify.TLSNone, From: "taskstream@example.org"},
		notify.WebhookConfig{URL: g.URL, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if err := email.SendEmail(context.Background(), testEmail); err != nil || len(ts.received()) != 1 {
		t.Errorf("email: %v, %d received", err, len(ts.received()))
	}
	if err := sms.SendSMS(context.Background(), testSMS); err != nil || len(g.received()) != 1 {
		t.Errorf("sms: %v, %d received", err, len(g.received()))
	}
	if _, _, err := notify.NewSenders(notify.SMTPConfig{Host: "mail", From: "nobody"}, notify.WebhookConfig{}); err == nil {
		t.Error("a bad From was accepted")
	}
}
