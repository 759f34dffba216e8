package notification

// The reasons a delivery shows its user (GET /v1/notifications, the WebSocket frame) are these
// categories and nothing else: a provider's own text (an SMTP reply, a gateway's answer, an
// error with its URL) can carry the server's names, the account, an api_key or an echoed token,
// so it goes to the operators' log, redacted, and never into a delivery.

// Reasons a channel fails without a send: its address is missing or malformed. The request is
// still stored and its other channels delivered (see New).
const (
	ReasonNoEmail      = "no email address"
	ReasonInvalidEmail = "the email address is not valid"
	ReasonNoPhone      = "no phone number"
	ReasonInvalidPhone = "the phone number is not valid (E.164: +, then 8 to 15 digits)"
)

// Reasons a send fails: the senders (adapters/notify) report one of them as the message of
// their error.
const (
	ReasonEmailAddressRefused = "the email server refused the address"
	ReasonEmailRefused        = "the email server refused the email"
	ReasonEmailNotASCII       = "the email address is not ASCII and the email server does not accept such addresses"
	ReasonEmailUnavailable    = "the email server is unavailable"
	ReasonEmailNotConfigured  = "email is not configured"
	ReasonSMSRefused          = "the SMS gateway refused the message"
	ReasonSMSUnavailable      = "the SMS gateway is unavailable"
	ReasonSMSNotConfigured    = "SMS is not configured"
	// ReasonSendFailed stands for any other failure, and for a reason outside this catalogue.
	ReasonSendFailed = "the message could not be sent"
)

var reasons = map[string]bool{
	ReasonNoEmail: true, ReasonInvalidEmail: true, ReasonNoPhone: true, ReasonInvalidPhone: true,
	ReasonEmailAddressRefused: true, ReasonEmailRefused: true, ReasonEmailNotASCII: true,
	ReasonEmailUnavailable: true, ReasonEmailNotConfigured: true,
	ReasonSMSRefused: true, ReasonSMSUnavailable: true, ReasonSMSNotConfigured: true, ReasonSendFailed: true,
}

// shownReason is reason when it is one of the catalogue (or none), else ReasonSendFailed.
func shownReason(reason string) string {
	if reason == "" || reasons[reason] {
		return reason
	}
	return ReasonSendFailed
}

// Reasons returns the catalogue: every reason a delivery may show (the API documents them).
func Reasons() []string {
	out := make([]string, 0, len(reasons))
	for r := range reasons {
		out = append(out, r)
	}
	return out
}
