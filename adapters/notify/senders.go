package notify

import (
	"fmt"

	"github.com/taskstream/taskstream/application/command"
)

// NewSenders returns the email and SMS senders: the SMTP sender when email.Host is set and the
// webhook sender when sms.URL is, else senders that fail every send with the setting that is
// missing (SMTP_HOST, SMS_WEBHOOK_URL). A configured channel with a bad setting is an error.
func NewSenders(email SMTPConfig, sms WebhookConfig) (command.EmailSender, command.SMSSender, error) {
	var (
		emailSender command.EmailSender = UnconfiguredEmail{Reason: "SMTP_HOST is empty"}
		smsSender   command.SMSSender   = UnconfiguredSMS{Reason: "SMS_WEBHOOK_URL is empty"}
	)
	if email.Host != "" {
		s, err := NewEmailSender(email)
		if err != nil {
			return nil, nil, fmt.Errorf("email channel: %w", err)
		}
		emailSender = s
	}
	if sms.URL != "" {
		s, err := NewSMSSender(sms)
		if err != nil {
			return nil, nil, fmt.Errorf("sms channel: %w", err)
		}
		smsSender = s
	}
	return emailSender, smsSender, nil
}
