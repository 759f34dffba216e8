package di

import (
	"log/slog"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/config"
)

// The settings are read once, into config.Config; each adapter takes a configuration of its
// own, and these functions map one onto the other, so no adapter imports config/.

// kafkaClient maps the KAFKA_* connection settings onto the Kafka adapter's configuration.
func kafkaClient(k config.Kafka) kafka.Config {
	return kafka.Config{
		Brokers: k.Brokers, ClientID: k.ClientID, SecurityProtocol: k.SecurityProtocol,
		SASLMechanism: k.SASLMechanism, SASLUsername: k.SASLUsername, SASLPassword: k.SASLPassword,
		TLSCAFile: k.TLSCAFile, TLSCertFile: k.TLSCertFile, TLSKeyFile: k.TLSKeyFile,
		TLSInsecureSkipVerify: k.TLSInsecureSkipVerify,
	}
}

// outboxConfig says how stores write their events: straight to the topic tables with
// BROKER=postgres, else to the outbox, which the relay forwards.
func outboxConfig(cfg config.Config) outbox.Config {
	if cfg.Broker == config.BrokerPostgres {
		return outbox.Config{Mode: outbox.Direct}
	}
	return outbox.Config{Mode: outbox.Forwarder}
}

func taskTopics(cfg config.Config) messages.TaskTopics {
	return messages.TaskTopics{Events: cfg.Topics.TaskEvents, Updates: cfg.Topics.TaskUpdates}
}

func quizTopics(cfg config.Config) messages.QuizTopics {
	return messages.QuizTopics{Submissions: cfg.Topics.TestSubmissions, ResultsReady: cfg.Topics.TestResultsReady}
}

func taskStoreConfig(cfg config.Config) postgres.TaskStoreConfig {
	return postgres.TaskStoreConfig{Topics: taskTopics(cfg), Outbox: outboxConfig(cfg)}
}

func quizStoreConfig(cfg config.Config) postgres.QuizStoreConfig {
	return postgres.QuizStoreConfig{Topics: quizTopics(cfg), Outbox: outboxConfig(cfg)}
}

func reminderStoreConfig(cfg config.Config) postgres.ReminderStoreConfig {
	return postgres.ReminderStoreConfig{Topic: cfg.Topics.NotificationRequest, Outbox: outboxConfig(cfg)}
}

// smtpConfig maps the SMTP_* and NOTIFY_TIMEOUT settings onto the email sender's configuration.
func smtpConfig(c config.Notify, logger *slog.Logger) notify.SMTPConfig {
	return notify.SMTPConfig{
		Host: c.SMTP.Host, Port: c.SMTP.Port, TLS: c.SMTP.TLS,
		Username: c.SMTP.Username, Password: c.SMTP.Password, From: c.SMTP.From,
		Timeout: c.Timeout, Logger: logger,
	}
}

// webhookConfig maps the SMS_WEBHOOK_* and NOTIFY_TIMEOUT settings onto the SMS sender's.
func webhookConfig(c config.Notify, logger *slog.Logger) notify.WebhookConfig {
	return notify.WebhookConfig{URL: c.SMSURL, Token: c.SMSToken, Timeout: c.Timeout, Logger: logger}
}
