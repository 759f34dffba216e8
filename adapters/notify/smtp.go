package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/redact"
)

// SMTP TLS modes (SMTP_TLS).
const (
	// TLSNone talks in clear: for a relay on loopback and tests only.
	TLSNone = "none"
	// TLSStartTLS upgrades the connection with STARTTLS, which the server must offer.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465, usually).
	TLSImplicit = "tls"
)

// DefaultTimeout bounds one send when the configuration sets no timeout.
const DefaultTimeout = 10 * time.Second

// SMTPConfig configures an EmailSender.
type SMTPConfig struct {
	// Host and Port address the SMTP server. Host is required; Port defaults to 587.
	Host string
	Port int
	// TLS is TLSStartTLS (the default), TLSImplicit or TLSNone.
	TLS string
	// Username and Password authenticate with AUTH PLAIN when Username is set; they need TLS.
	Username string
	Password string
	// From is the sender address (envelope and From header). Required.
	From string
	// Timeout bounds one send: connecting, the dialogue and the upload. Defaults to
	// DefaultTimeout.
	Timeout time.Duration
	// RootCAs verifies the server's certificate. Defaults to the system's roots.
	RootCAs *x509.CertPool
	// Logger receives every failed send with the server's reply, for operators (redacted: no
	// password, URL credentials or query strings). Defaults to slog.Default().
	Logger *slog.Logger
}

func (c *SMTPConfig) setDefaults() {
	if c.Port == 0 {
		c.Port = 587
	}
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c SMTPConfig) Validate() error {
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("smtp host is empty"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp port %d is not 1 to 65535", c.Port))
	}
	if c.TLS != TLSNone && c.TLS != TLSStartTLS && c.TLS != TLSImplicit {
		errs = append(errs, fmt.Errorf("smtp tls mode %q is not %s, %s or %s", c.TLS, TLSStartTLS, TLSImplicit, TLSNone))
	}
	if c.Username != "" && c.TLS == TLSNone {
		errs = append(errs, errors.New("smtp auth needs tls mode starttls or tls: the password would travel in clear"))
	}
	if _, err := parseAddress("from", c.From); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// EmailSender is the command.EmailSender on an SMTP server: one connection per email, TLS as
// configured, AUTH PLAIN when a username is set. It is safe for concurrent use.
type EmailSender struct {
	cfg  SMTPConfig
	addr string
	from *address
}

var _ command.EmailSender = (*EmailSender)(nil)

// NewEmailSender returns a sender for cfg.
func NewEmailSender(cfg SMTPConfig) (*EmailSender, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	from, _ := parseAddress("from", cfg.From)
	return &EmailSender{cfg: cfg, addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)), from: from}, nil
}

// SendEmail sends e. A refused email (a bad address, a permanent 5xx reply) is a
// shared.KindInvalid error; a temporary failure (a 4xx reply, the network, the timeout) is
// shared.KindUnavailable. The error's message is one of notification's reasons, what the
// user sees; its detail (the server's reply, redacted) is logged for operators.
func (s *EmailSender) SendEmail(ctx context.Context, e command.Email) error {
	err := s.send(ctx, e)
	if err == nil {
		return nil
	}
	err = sendError(redact.Error(err, s.cfg.Password))
	s.cfg.Logger.WarnContext(ctx, "email not sent", "message_id", e.MessageID, "error", err)
	return err
}

// send runs one send and returns its error as it comes.
func (s *EmailSender) send(ctx context.Context, e command.Email) error {
	m, err := newMessage(s.from, e, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	if err := s.deliver(c, m); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		}
		return err
	}
	return nil
}

// dial connects and starts the session, upgrading to TLS as configured and authenticating.
// The connection is closed when ctx ends, so no step can outlast the send: go-smtp sets its own
// deadline per command, which would replace one set here.
func (s *EmailSender) dial(ctx context.Context) (*smtp.Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s.addr, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	c, err := s.start(ctx, conn)
	if err != nil {
		stop()
		_ = conn.Close()
		return nil, err
	}
	return c, nil
}

// start begins the SMTP session on conn in the configured TLS mode and authenticates.
func (s *EmailSender) start(ctx context.Context, conn net.Conn) (*smtp.Client, error) {
	tlsConfig := &tls.Config{ServerName: s.cfg.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	var c *smtp.Client
	switch s.cfg.TLS {
	case TLSImplicit:
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, fmt.Errorf("tls handshake with %s: %w", s.addr, err)
		}
		c = smtp.NewClient(tc)
	case TLSStartTLS:
		var err error
		if c, err = smtp.NewClientStartTLS(conn, tlsConfig); err != nil {
			return nil, fmt.Errorf("starttls with %s (the server must offer it; SMTP_TLS names the mode): %w", s.addr, err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout, c.SubmissionTimeout = s.cfg.Timeout, s.cfg.Timeout
	if s.cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)); err != nil {
			return nil, fmt.Errorf("auth as %s: %w", s.cfg.Username, err)
		}
	}
	return c, nil
}

// deliver runs the mail transaction of m on c and quits.
func (s *EmailSender) deliver(c *smtp.Client, m *message) error {
	opts := &smtp.MailOptions{}
	if m.needsUTF8() {
		if ok, _ := c.Extension("SMTPUTF8"); !ok {
			return &shared.Error{Kind: shared.KindInvalid, Field: "email", Message: notification.ReasonEmailNotASCII,
				Err: errors.New("the address is not ASCII and the smtp server does not offer SMTPUTF8")}
		}
		opts.UTF8 = true
	}
	if err := c.Mail(s.from.Address, opts); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", s.from.Address, err)
	}
	if err := c.Rcpt(m.to.Address, nil); err != nil {
		return &rcptError{err: fmt.Errorf("RCPT TO:<%s>: %w", m.to.Address, err)}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(m.bytes); err != nil {
		return fmt.Errorf("DATA upload: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of DATA: %w", err)
	}
	// The server has taken the email: a failed QUIT does not make it unsent.
	_ = c.Quit()
	return nil
}

// rcptError marks the server's answer to RCPT TO: a refusal there is of the address.
type rcptError struct{ err error }

func (e *rcptError) Error() string { return e.err.Error() }

func (e *rcptError) Unwrap() error { return e.err }

// sendError classifies err under one of notification's reasons: a permanent SMTP reply (5xx)
// means the email can never be sent as it is (kind invalid: the server refused the address at
// RCPT TO, else the email); an address the message cannot carry is invalid too; everything else
// may pass later (unavailable).
func sendError(err error) error {
	var se *smtp.SMTPError
	var rcpt *rcptError
	var own *shared.Error
	switch {
	case errors.As(err, &own) && own.Kind == shared.KindInvalid && own.Message == notification.ReasonEmailNotASCII:
		return &shared.Error{Kind: shared.KindInvalid, Field: "email", Message: own.Message, Err: err}
	case errors.As(err, &own) && own.Kind == shared.KindInvalid:
		// newMessage refused the recipient's address or a header the message would carry.
		reason := notification.ReasonSendFailed
		if own.Field == "to" {
			reason = notification.ReasonInvalidEmail
		}
		return &shared.Error{Kind: shared.KindInvalid, Field: "email", Message: reason, Err: err}
	case errors.As(err, &se) && se.Code >= 500 && se.Code < 600 && errors.As(err, &rcpt):
		return &shared.Error{Kind: shared.KindInvalid, Field: "email", Message: notification.ReasonEmailAddressRefused, Err: err}
	case errors.As(err, &se) && se.Code >= 500 && se.Code < 600:
		return &shared.Error{Kind: shared.KindInvalid, Field: "email", Message: notification.ReasonEmailRefused, Err: err}
	}
	return shared.Unavailable(notification.ReasonEmailUnavailable, err)
}
