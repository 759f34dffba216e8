package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
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
}

func (c *WebhookConfig) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Client == nil {
		c.Client = &http.Client{}
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c WebhookConfig) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("sms webhook url %q is not an http:// or https:// URL", c.URL)
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
// shared.KindInvalid error with the status and the start of the answer; a 5xx, 408, 429, the
// network or the timeout is shared.KindUnavailable.
func (s *SMSSender) SendSMS(ctx context.Context, m command.SMS) error {
	if strings.TrimSpace(m.To) == "" {
		return shared.Invalid("to", "is empty: the sms channel needs a phone number")
	}
	if m.ID == "" || strings.ContainsAny(m.ID, "\r\n") {
		return shared.Invalid("id", "must be a non-empty single line (it is the idempotency key)")
	}
	body, err := json.Marshal(smsRequest(m))
	if err != nil {
		return fmt.Errorf("encode sms: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.ID)
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return shared.Unavailable("sms: the gateway did not answer, try again", err)
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
		return shared.Unavailable("sms: the gateway cannot take it now, try again",
			fmt.Errorf("status %d: %s", code, excerpt))
	default:
		return &shared.Error{Kind: shared.KindInvalid, Field: "sms", Message: "the gateway refused it",
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
