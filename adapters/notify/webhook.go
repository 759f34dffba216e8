package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/redact"
)

// WebhookConfig configures an SMSSender.
type WebhookConfig struct {
	// URL is the gateway endpoint each text message is posted to (http or https). Required.
	URL string
	// Token is sent as "Authorization: Bearer <Token>" when set.
	Token string
	// Timeout bounds one send, the answer included. Defaults to DefaultTimeout.
	Timeout time.Duration
	// Client sends the requests. Defaults to a client of its own on http.DefaultTransport's
	// settings; redirects are never followed.
	Client *http.Client
	// Logger receives every failed send with the gateway's answer, for operators (redacted: no
	// token, URL credentials or query strings). Defaults to slog.Default().
	Logger *slog.Logger
}

func (c *WebhookConfig) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Client == nil {
		c.Client = &http.Client{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c WebhookConfig) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("sms webhook url %q is not an http:// or https:// URL", redact.URL(c.URL))
	}
	return nil
}

// SMSSender is the command.SMSSender on an HTTP gateway: it posts {"to","body","id"} as JSON,
// with the id as the Idempotency-Key header so that the gateway can drop a resend. It is safe
// for concurrent use.
type SMSSender struct {
	cfg    WebhookConfig
	client http.Client
}

var _ command.SMSSender = (*SMSSender)(nil)

// NewSMSSender returns a sender for cfg.
func NewSMSSender(cfg WebhookConfig) (*SMSSender, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	client := *cfg.Client
	// A redirect of a POST would be followed as a GET (301-303) or without the gateway's
	// consent to a new endpoint: it is reported instead.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &SMSSender{cfg: cfg, client: client}, nil
}

// smsRequest is the JSON the gateway receives.
type smsRequest struct {
	To   string `json:"to"`
	Body string `json:"body"`
	ID   string `json:"id"`
}

// SendSMS posts m. A 2xx answer means sent. Another 4xx (but 408 and 429) or a 3xx is a
// shared.KindInvalid error; a 5xx, 408, 429, the network or the timeout is
// shared.KindUnavailable. The error's message is one of notification's reasons, what the user
// sees; its detail (the status and the start of the answer, or the network error, redacted:
// the URL without its query string, no token) is logged for operators.
func (s *SMSSender) SendSMS(ctx context.Context, m command.SMS) error {
	if strings.TrimSpace(m.To) == "" {
		return &shared.Error{Kind: shared.KindInvalid, Field: "to", Message: notification.ReasonNoPhone}
	}
	if m.ID == "" || strings.ContainsAny(m.ID, "\r\n") {
		return shared.Invalid("id", "must be a non-empty single line (it is the idempotency key)")
	}
	err := s.send(ctx, m)
	if err == nil {
		return nil
	}
	err = redact.Error(err, s.cfg.Token)
	if shared.KindOf(err) == shared.KindInternal {
		err = shared.Unavailable(notification.ReasonSMSUnavailable, err)
	}
	s.cfg.Logger.WarnContext(ctx, "sms not sent", "message_id", m.ID, "error", err)
	return err
}

// send posts m once and classifies the answer.
func (s *SMSSender) send(ctx context.Context, m command.SMS) error {
	body, err := json.Marshal(smsRequest(m))
	if err != nil {
		return &shared.Error{Kind: shared.KindInvalid, Field: "sms", Message: notification.ReasonSendFailed, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return &shared.Error{Kind: shared.KindInvalid, Field: "sms", Message: notification.ReasonSendFailed, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.ID)
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err // the network or the timeout: unavailable
	}
	defer func() { _ = resp.Body.Close() }()
	excerpt := readExcerpt(resp.Body)
	return statusError(resp.StatusCode, excerpt)
}

// statusError classifies the gateway's answer.
func statusError(code int, excerpt string) error {
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return shared.Unavailable(notification.ReasonSMSUnavailable, fmt.Errorf("status %d: %s", code, excerpt))
	default:
		return &shared.Error{Kind: shared.KindInvalid, Field: "sms", Message: notification.ReasonSMSRefused,
			Err: fmt.Errorf("status %d: %s", code, excerpt)}
	}
}

// excerptBytes is how much of the gateway's answer an error quotes.
const excerptBytes = 256

// readExcerpt returns the start of an answer's body as one line of valid UTF-8 ("..." marks a
// cut), and drains a little more so the connection can be reused.
func readExcerpt(r io.Reader) string {
	b, err := io.ReadAll(io.LimitReader(r, excerptBytes+1))
	if err != nil && len(b) == 0 {
		return "(unreadable body: " + err.Error() + ")"
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
	cut := len(b) > excerptBytes
	if cut {
		b = b[:excerptBytes]
	}
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "")), " ")
	switch {
	case s == "":
		return "(empty body)"
	case cut:
		return s + "..."
	}
	return s
}
