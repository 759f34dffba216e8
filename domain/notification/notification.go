package notification

import (
	"slices"
	"strings"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Limits of a notification's texts.
const (
	MaxTitleRunes   = 200
	MaxMessageRunes = 2000
	maxTypeLen      = 64
)

// Notification is one message for one user, with a Delivery per requested channel. Its fields
// are unexported: New validates a request, Rehydrate restores a stored one.
type Notification struct {
	id         string
	userID     shared.UserID
	taskID     string
	typ        string
	title      string
	message    string
	createdAt  time.Time
	readAt     time.Time
	deliveries []Delivery
}

// New builds the notification a Requested event asks for, created at now. The request must
// name a UUID id, a valid user, a type, a non-empty title and at least one known channel, each
// once; otherwise New returns an error of kind invalid and the request can never be applied.
//
// A channel whose address is missing or malformed (email without a well-formed Email, sms
// without a Phone in E.164 form) does not refuse the request: that channel starts failed with
// the reason, and the others are delivered. The producer's contract says so (Requested.Email),
// and a reminder should not be lost because a user has no phone number.
//
// in_app is delivered by storing the notification, so it starts sent at now; email and sms
// start pending.
func New(r Requested, now time.Time) (*Notification, error) {
	if !shared.IsUUID(r.ID) {
		return nil, shared.Invalid("id", "must be a UUID")
	}
	user, err := shared.ParseUserID(r.UserID)
	if err != nil {
		return nil, err
	}
	if r.TaskID != "" && !shared.IsUUID(r.TaskID) {
		return nil, shared.Invalid("task_id", "must be a UUID when set")
	}
	if err := checkType(r.Type); err != nil {
		return nil, err
	}
	if err := checkTexts(r.Title, r.Message); err != nil {
		return nil, err
	}
	deliveries, err := newDeliveries(r, now)
	if err != nil {
		return nil, err
	}
	return &Notification{
		id: strings.ToLower(r.ID), userID: user, taskID: strings.ToLower(r.TaskID), typ: r.Type,
		title: r.Title, message: r.Message, createdAt: now, deliveries: deliveries,
	}, nil
}

func checkType(t string) error {
	if t == "" || len(t) > maxTypeLen {
		return shared.Invalid("type", "must be 1 to %d characters", maxTypeLen)
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '_' && c != '-' {
			return shared.Invalid("type", "must hold only a-z, 0-9, '.', '_' and '-'")
		}
	}
	return nil
}

func checkTexts(title, message string) error {
	if strings.TrimSpace(title) == "" {
		return shared.Invalid("title", "must not be empty")
	}
	if err := shared.CheckText("title", title, MaxTitleRunes, false); err != nil {
		return err
	}
	return shared.CheckText("message", message, MaxMessageRunes, true)
}

func newDeliveries(r Requested, now time.Time) ([]Delivery, error) {
	if len(r.Channels) == 0 {
		return nil, shared.Invalid("channels", "must name at least one channel")
	}
	out := make([]Delivery, 0, len(r.Channels))
	for _, ch := range r.Channels {
		if !ch.Known() {
			return nil, shared.Invalid("channels", "unknown channel %q (in_app, email or sms)", string(ch))
		}
		if slices.ContainsFunc(out, func(d Delivery) bool { return d.Channel == ch }) {
			return nil, shared.Invalid("channels", "channel %q named twice", string(ch))
		}
		out = append(out, newDelivery(ch, r, now))
	}
	return out, nil
}

func newDelivery(ch Channel, r Requested, now time.Time) Delivery {
	d := Delivery{Channel: ch, Status: StatusPending}
	switch ch {
	case ChannelInApp:
		d.Status, d.SentAt = StatusSent, now
	case ChannelEmail:
		d.To = r.Email
		d.fail(emailProblem(r.Email))
	case ChannelSMS:
		d.To = r.Phone
		d.fail(phoneProblem(r.Phone))
	}
	return d
}

// emailProblem is why addr cannot be mailed to, "" when it can: a bare address local@domain
// (no display name), at most 254 bytes, a dot-atom local part and a domain of dot-separated
// labels of letters, digits and hyphens.
func emailProblem(addr string) string {
	if addr == "" {
		return ReasonNoEmail
	}
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || len(addr) > 254 || !dotAtom(local, "!#$%&'*+/=?^_`{|}~-") || !dotAtom(domain, "-") || !strings.Contains(domain, ".") {
		return ReasonInvalidEmail
	}
	return ""
}

// dotAtom reports whether s is non-empty dot-separated runs of ASCII letters, digits and the
// extra characters.
func dotAtom(s, extra string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && !strings.ContainsRune(extra, rune(c)) {
				return false
			}
		}
	}
	return true
}

// phoneProblem is why p cannot get a text, "" when it can: E.164, a '+' and 8 to 15 digits.
func phoneProblem(p string) string {
	if p == "" {
		return ReasonNoPhone
	}
	digits := strings.TrimPrefix(p, "+")
	if digits == p || len(digits) < 8 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
		return ReasonInvalidPhone
	}
	return ""
}

// ID returns the notification's id, the producer's UUID.
func (n *Notification) ID() string { return n.id }

// UserID returns the user it is for.
func (n *Notification) UserID() shared.UserID { return n.userID }

// TaskID returns the task it is about, "" when none.
func (n *Notification) TaskID() string { return n.taskID }

// Type returns its type, such as task.due_soon.
func (n *Notification) Type() string { return n.typ }

// Title returns its title.
func (n *Notification) Title() string { return n.title }

// Message returns its text.
func (n *Notification) Message() string { return n.message }

// CreatedAt returns when it was stored.
func (n *Notification) CreatedAt() time.Time { return n.createdAt }

// ReadAt returns when the user read it, and false while unread.
func (n *Notification) ReadAt() (time.Time, bool) { return n.readAt, !n.readAt.IsZero() }

// Deliveries returns a copy of its deliveries, in the order the request named the channels.
func (n *Notification) Deliveries() []Delivery { return slices.Clone(n.deliveries) }

// Delivery returns the delivery on ch, and false when ch was not requested.
func (n *Notification) Delivery(ch Channel) (Delivery, bool) {
	for _, d := range n.deliveries {
		if d.Channel == ch {
			return d, true
		}
	}
	return Delivery{}, false
}

// Pending returns the deliveries still to send.
func (n *Notification) Pending() []Delivery {
	var out []Delivery
	for _, d := range n.deliveries {
		if d.Status == StatusPending {
			out = append(out, d)
		}
	}
	return out
}

// MarkRead records that the user read it at; it reports false, changing nothing, when it was
// read before (marking read is idempotent and keeps the first time).
func (n *Notification) MarkRead(at time.Time) bool {
	if !n.readAt.IsZero() {
		return false
	}
	n.readAt = at
	return true
}

// RecordDelivery replaces the delivery on d.Channel with d. It refuses a channel that was not
// requested and a change of a delivery that is sent or failed already (a sent channel is never
// sent again).
func (n *Notification) RecordDelivery(d Delivery) error {
	for i, cur := range n.deliveries {
		if cur.Channel != d.Channel {
			continue
		}
		if cur.Status != StatusPending {
			return shared.Conflict("the %s delivery is %s already", d.Channel, cur.Status)
		}
		d.Reason = shownReason(d.Reason) // users see only the categories of reasons.go
		n.deliveries[i] = d
		return nil
	}
	return shared.Invalid("channel", "%q was not requested", string(d.Channel))
}

// Shorten returns s cut to at most maxRunes characters, the last one an ellipsis when it was
// cut: for a title built around a user's text (a task's or a test's title) that must fit
// MaxTitleRunes.
func Shorten(s string, maxRunes int) string {
	r := []rune(s)
	if len(r) <= maxRunes || maxRunes < 1 {
		return s
	}
	return string(r[:maxRunes-1]) + "…"
}
