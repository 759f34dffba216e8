package metrics

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
)

// The outcomes of a delivery attempt, a fixed set: sent; refused (the channel said the
// notification can never go out, as a missing phone number or a rejected address: the delivery
// is failed at once); failed (the attempt failed, e.g. the gateway is down: the delivery is
// tried again until its attempts run out). An attempt cut short by a stop is not counted; it is
// made again.
const (
	OutcomeSent    = "sent"
	OutcomeRefused = "refused"
	OutcomeFailed  = "failed"
)

func newDeliveries() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "taskstream_notification_deliveries_total",
		Help: "Notification delivery attempts, by channel (email, sms) and outcome (sent, refused, failed).",
	}, []string{"channel", "outcome"})
}

// CountEmail returns s counting each send in taskstream_notification_deliveries_total.
func (p *Prometheus) CountEmail(s command.EmailSender) command.EmailSender {
	return countedEmail{next: s, p: p}
}

// CountSMS returns s counting each send in taskstream_notification_deliveries_total.
func (p *Prometheus) CountSMS(s command.SMSSender) command.SMSSender {
	return countedSMS{next: s, p: p}
}

type countedEmail struct {
	next command.EmailSender
	p    *Prometheus
}

func (c countedEmail) SendEmail(ctx context.Context, e command.Email) error {
	err := c.next.SendEmail(ctx, e)
	c.p.countDelivery(ctx, "email", err)
	return err
}

type countedSMS struct {
	next command.SMSSender
	p    *Prometheus
}

func (c countedSMS) SendSMS(ctx context.Context, m command.SMS) error {
	err := c.next.SendSMS(ctx, m)
	c.p.countDelivery(ctx, "sms", err)
	return err
}

func (p *Prometheus) countDelivery(ctx context.Context, channel string, err error) {
	outcome := OutcomeSent
	switch {
	case err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled)):
		return
	case shared.KindOf(err) == shared.KindInvalid:
		outcome = OutcomeRefused
	case err != nil:
		outcome = OutcomeFailed
	}
	p.stages.deliveries.WithLabelValues(channel, outcome).Inc()
}
