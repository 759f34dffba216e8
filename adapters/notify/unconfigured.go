package notify

import (
	"context"
	"errors"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// UnconfiguredEmail is the command.EmailSender of a deployment without SMTP: every send fails
// with kind invalid, so each email delivery is marked failed instead of being retried; users see
// notification.ReasonEmailNotConfigured, the error's detail is Reason.
type UnconfiguredEmail struct {
	// Reason says what is missing, e.g. "SMTP_HOST is empty".
	Reason string
}

var _ command.EmailSender = UnconfiguredEmail{}

// SendEmail fails.
func (u UnconfiguredEmail) SendEmail(context.Context, command.Email) error {
	return &shared.Error{Kind: shared.KindInvalid, Message: notification.ReasonEmailNotConfigured, Err: errors.New(u.Reason)}
}

// UnconfiguredSMS is the command.SMSSender of a deployment without an SMS gateway: every send
// fails with kind invalid and Reason.
type UnconfiguredSMS struct {
	// Reason says what is missing, e.g. "SMS_WEBHOOK_URL is empty".
	Reason string
}

var _ command.SMSSender = UnconfiguredSMS{}

// SendSMS fails.
func (u UnconfiguredSMS) SendSMS(context.Context, command.SMS) error {
	return &shared.Error{Kind: shared.KindInvalid, Message: notification.ReasonSMSNotConfigured, Err: errors.New(u.Reason)}
}
