package messaging

import (
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// Handler names of the API instances' live push of notifications (one consumer group per
// instance, like task-updates).
const (
	NotificationPushHandlerName = "websocket-notifications"
	TestResultPushHandlerName   = "websocket-test-results"
)

// NotificationPush pushes each new in-app notification to its user's open WebSocket
// connections on this API instance. Every instance reads notification.request and
// test_results_ready from the newest message on (its own group), like task-updates, because a
// user's connection may be on any instance and the notification-service may run in another
// process. The frame is built from the request with the notification-service's own rules
// (notification.New, command.QuizScoredRequest), so it shows what the service stores: the id,
// the texts and the channels' initial status. A notification requested again (the same id in
// another message) is not pushed again while its id is among the last recentPushes the
// instance pushed; clients should still skip an id they have seen, as for task.changed.
type NotificationPush struct {
	hub    LiveHub
	ids    command.NamedIDs
	now    func() time.Time
	logger *slog.Logger
	recent recentIDs
}

// recentPushes bounds the ids an instance remembers to push a notification once.
const recentPushes = 4096

// recentIDs is a bounded set of ids, forgetting the oldest first. It is safe for concurrent use.
type recentIDs struct {
	mu    sync.Mutex
	set   map[string]bool
	order []string
	next  int
}

// add reports whether id is new, and remembers it.
func (r *recentIDs) add(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set == nil {
		r.set, r.order = map[string]bool{}, make([]string, recentPushes)
	}
	if r.set[id] {
		return false
	}
	delete(r.set, r.order[r.next])
	r.order[r.next] = id
	r.next = (r.next + 1) % len(r.order)
	r.set[id] = true
	return true
}

// NewNotificationPush returns the push handlers. ids must derive the ids the
// notification-service derives (NotifyQuizScored). It panics on a nil dependency.
func NewNotificationPush(hub LiveHub, ids command.NamedIDs, now func() time.Time, logger *slog.Logger) *NotificationPush {
	if hub == nil || ids == nil || now == nil || logger == nil {
		panic("messaging: nil dependency for NotificationPush")
	}
	return &NotificationPush{hub: hub, ids: ids, now: now, logger: logger}
}

// HandleRequest pushes the in-app notification a notification.requested event asks for. A
// message it cannot use is skipped (nil): the notification-service parks it with the reason,
// and parking it again for every API instance would only repeat that.
func (p *NotificationPush) HandleRequest(msg *message.Message) error {
	var req notification.Requested
	if err := envelope.Decode(msg, notification.EventRequested, &req); err != nil {
		p.skip(msg, err)
		return nil
	}
	p.push(msg, req)
	return nil
}

// HandleScored pushes the in-app notification a test.scored event makes.
func (p *NotificationPush) HandleScored(msg *message.Message) error {
	var ev testresult.Scored
	if err := envelope.Decode(msg, testresult.EventScored, &ev); err != nil {
		p.skip(msg, err)
		return nil
	}
	req, err := command.QuizScoredRequest(ev, p.ids)
	if err != nil {
		p.skip(msg, err)
		return nil
	}
	p.push(msg, req)
	return nil
}

func (p *NotificationPush) push(msg *message.Message, req notification.Requested) {
	n, err := notification.New(req, p.now())
	if err != nil {
		p.skip(msg, err)
		return
	}
	if _, inApp := n.Delivery(notification.ChannelInApp); !inApp {
		return
	}
	if header := msg.Metadata.Get(envelope.KeyUserID); header != "" && header != string(n.UserID()) {
		p.skip(msg, nil)
		return
	}
	if !p.recent.add(n.ID()) {
		return
	}
	frame, err := NotificationFrame(n)
	if err != nil {
		p.skip(msg, err)
		return
	}
	p.hub.Publish(string(n.UserID()), frame)
}

func (p *NotificationPush) skip(msg *message.Message, err error) {
	p.logger.Debug("not pushing a notification", "message_id", eventID(msg), "error", err)
}
