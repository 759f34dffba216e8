package command

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// NotifyTestScored tells a user that their test result is ready (the notification-service
// consumer of topic test_results_ready): an in-app notification of type test.scored.
type NotifyTestScored struct {
	// MessageID is the id of the message that carried the event, for the inbox.
	MessageID string
	Scored    testresult.Scored
}

// NotifyTestScoredHandler handles NotifyTestScored. The notification's id is derived from the
// submission id, so the event delivered or emitted twice makes one notification.
type NotifyTestScoredHandler decorator.Handler[NotifyTestScored, NotificationHandled]

type notifyTestScoredHandler struct {
	request HandleNotificationRequestHandler
	ids     NamedIDs
}

// maxTestTitleRunes bounds the test's title inside the notification's title.
const maxTestTitleRunes = 120

// NewNotifyTestScoredHandler returns the NotifyTestScored use case on the request handler,
// which stores and pushes the notification. It panics on a nil dependency.
func NewNotifyTestScoredHandler(request HandleNotificationRequestHandler, ids NamedIDs) decorator.Handler[NotifyTestScored, NotificationHandled] {
	if request == nil || ids == nil {
		panic("command: nil dependency for NotifyTestScored")
	}
	return notifyTestScoredHandler{request: request, ids: ids}
}

func (h notifyTestScoredHandler) Handle(ctx context.Context, cmd NotifyTestScored) (NotificationHandled, error) {
	req, err := TestScoredRequest(cmd.Scored, h.ids)
	if err != nil {
		return NotificationHandled{}, err
	}
	return h.request.Handle(ctx, HandleNotificationRequest{MessageID: cmd.MessageID, Request: req})
}

// TestScoredRequest is the notification request a scored test makes: in-app, of type
// test.scored, its id derived by ids from the submission id. The live-update port builds the
// same one to push it.
func TestScoredRequest(s testresult.Scored, ids NamedIDs) (notification.Requested, error) {
	if !shared.IsUUID(s.SubmissionID) {
		return notification.Requested{}, shared.Invalid("submission_id", "must be a UUID")
	}
	title := strings.TrimSpace(s.TestTitle)
	if title == "" {
		title = "your test"
	}
	title = notification.Shorten(title, maxTestTitleRunes)
	return notification.Requested{
		ID:          ids("test.scored:" + strings.ToLower(s.SubmissionID)),
		UserID:      s.UserID,
		Type:        notification.TypeTestScored,
		Title:       fmt.Sprintf("Your result for %s is ready: %s%%", title, percent(s.Percentage)),
		Message:     scoredMessage(s),
		Channels:    []notification.Channel{notification.ChannelInApp},
		RequestedAt: s.ScoredAt,
	}, nil
}

// percent shows p rounded to one decimal, without a trailing ".0".
func percent(p float64) string {
	return strconv.FormatFloat(math.Round(p*10)/10, 'f', -1, 64)
}

func scoredMessage(s testresult.Scored) string {
	msg := fmt.Sprintf("You scored %d of %d points.", s.Points, s.MaxPoints)
	if len(s.Weakest) > 0 {
		msg += " To practise: " + strings.Join(s.Weakest, ", ") + "."
	}
	return msg
}
