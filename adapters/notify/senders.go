package notify

import (
	"fmt"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/config"
)

// NewSenders returns the email and SMS senders of c: the SMTP and webhook senders when their
// channel is configured (SMTP_HOST, SMS_WEBHOOK_URL), else senders that fail every send with
// what is missing. A configured channel with a bad setting is an error.
func NewSenders(c config.Notify) (command.EmailSender, command.SMSSender, error) {
	var (
		email command.EmailSender = UnconfiguredEmail{Reason: "SMTP_HOST is empty"}
		sms   command.SMSSender   = UnconfiguredSMS{Reason: "SMS_WEBHOOK_URL is empty"}
	)
	if c.SMTP.Host != "" {
		s, err := NewEmailSender(SMTPConfigFrom(c))
		if err != nil {
			return nil, nil, fmt.Errorf("email channel: %w", err)
		}
		email = s
	}
	if c.SMSURL != "" {
		s, err := NewSMSSender(WebhookConfigFrom(c))
		if err != nil {
			return nil, nil, fmt.Errorf("sms channel: %w", err)
		}
		sms = s
	}
	return email, sms, nil
}

// SMTPConfigFrom maps the SMTP_* and NOTIFY_TIMEOUT settings.
func SMTPConfigFrom(c config.Notify) SMTPConfig {
	return SMTPConfig{
		Host: c.SMTP.Host, Port: c.SMTP.Port, TLS: c.SMTP.TLS,
		Username: c.SMTP.Username, Password: c.SMTP.Password, From: c.SMTP.From,
		Timeout: c.Timeout,
	}
}

// WebhookConfigFrom maps the SMS_WEBHOOK_* and NOTIFY_TIMEOUT settings.
func WebhookConfigFrom(c config.Notify) WebhookConfig {
	return WebhookConfig{URL: c.SMSURL, Token: c.SMSToken, Timeout: c.Timeout}
}
