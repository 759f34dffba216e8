package notification

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Known reports whether c is one of the channels Taskstream delivers on.
func (c Channel) Known() bool {
	return c == ChannelInApp || c == ChannelEmail || c == ChannelSMS
}

// Status is the state of one channel's delivery.
type Status string

// The statuses. A delivery starts pending and ends sent or failed; it never leaves either.
const (
	StatusPending Status = "pending"
	StatusSent    Status = "sent"
	StatusFailed  Status = "failed"
)

// ParseStatus reads a stored status.
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case StatusPending, StatusSent, StatusFailed:
		return st, nil
	}
	return "", shared.Invalid("status", "unknown delivery status %q", s)
}

// Delivery is a notification's state on one channel.
type Delivery struct {
	Channel Channel
	// To is the address: the email address or phone number, "" for in_app.
	To     string
	Status Status
	// Attempts counts the sends tried.
	Attempts int
	// Reason says why the last attempt failed (pending) or why the channel failed.
	Reason string
	// SentAt is when it was sent; zero unless sent.
	SentAt time.Time
}

// fail marks a pending delivery failed with reason, unless reason is "".
func (d *Delivery) fail(reason string) {
	if reason != "" {
		d.Status, d.Reason = StatusFailed, reason
	}
}

// Sent returns d after a successful attempt at at.
func (d Delivery) Sent(at time.Time) Delivery {
	d.Attempts++
	d.Status, d.Reason, d.SentAt = StatusSent, "", at
	return d
}

// Failed returns d after a failed attempt: failed with reason when final, else still pending
// with the reason of the attempt, to be tried again. A reason outside the catalogue (reasons.go)
// is recorded as ReasonSendFailed: users see only the categories.
func (d Delivery) Failed(reason string, final bool) Delivery {
	d.Attempts++
	d.Reason = shownReason(reason)
	if final {
		d.Status = StatusFailed
	}
	return d
}

// Snapshot is a notification's state in primitives, for storage (Rehydrate restores it).
type Snapshot struct {
	ID, UserID, TaskID, Type, Title, Message string
	CreatedAt, ReadAt                        time.Time
	Deliveries                               []Delivery
}

// Rehydrate restores a stored notification. It checks only what the store cannot, that the
// user id and the statuses are valid, since New validated the rest when it was stored. A
// delivery reason outside the catalogue (a provider's text stored before there was one) reads
// as ReasonSendFailed.
func Rehydrate(r Snapshot) (*Notification, error) {
	user, err := shared.ParseUserID(r.UserID)
	if err != nil {
		return nil, err
	}
	for _, d := range r.Deliveries {
		if _, err := ParseStatus(string(d.Status)); err != nil {
			return nil, err
		}
		if !d.Channel.Known() {
			return nil, shared.Invalid("channel", "unknown channel %q", string(d.Channel))
		}
	}
	return &Notification{
		id: r.ID, userID: user, taskID: r.TaskID, typ: r.Type, title: r.Title, message: r.Message,
		createdAt: r.CreatedAt, readAt: r.ReadAt, deliveries: shownDeliveries(r.Deliveries),
	}, nil
}

// shownDeliveries copies ds with their reasons as users may see them.
func shownDeliveries(ds []Delivery) []Delivery {
	out := append([]Delivery(nil), ds...)
	for i := range out {
		out[i].Reason = shownReason(out[i].Reason)
	}
	return out
}

// Snapshot returns the notification's state, for storage.
func (n *Notification) Snapshot() Snapshot {
	return Snapshot{
		ID: n.id, UserID: string(n.userID), TaskID: n.taskID, Type: n.typ, Title: n.title, Message: n.message,
		CreatedAt: n.createdAt, ReadAt: n.readAt, Deliveries: n.Deliveries(),
	}
}
