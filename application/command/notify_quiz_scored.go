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

// NotifyQuizScored tells a user that the result of their quiz is ready (the notification-service
// consumer of topic test_results_ready): an in-app notification of type test.scored.
type NotifyQuizScored struct {
	// MessageID is the id of the message that carried the event, for the inbox.
	MessageID string
	Scored    testresult.Scored
}

// NotifyQuizScoredHandler handles NotifyQuizScored. The notification's id is derived from the
// submission id, so the event delivered or emitted twice makes one notification.
type NotifyQuizScoredHandler decorator.Handler[NotifyQuizScored, NotificationHandled]

type notifyQuizScoredHandler struct {
	request HandleNotificationRequestHandler
	ids     NamedIDs
}

// maxQuizTitleRunes bounds the quiz's title inside the notification's title.
const maxQuizTitleRunes = 120

// NewNotifyQuizScoredHandler returns the NotifyQuizScored use case on the request handler,
// which stores and pushes the notification. It panics on a nil dependency.
func NewNotifyQuizScoredHandler(request HandleNotificationRequestHandler, ids NamedIDs) decorator.Handler[NotifyQuizScored, NotificationHandled] {
	if request == nil || ids == nil {
		panic("command: nil dependency for NotifyQuizScored")
	}
	return notifyQuizScoredHandler{request: request, ids: ids}
}

func (h notifyQuizScoredHandler) Handle(ctx context.Context, cmd NotifyQuizScored) (NotificationHandled, error) {
	req, err := QuizScoredRequest(cmd.Scored, h.ids)
	if err != nil {
		return NotificationHandled{}, err
	}
	return h.request.Handle(ctx, HandleNotificationRequest{MessageID: cmd.MessageID, Request: req})
}

// QuizScoredRequest is the notification request a scored quiz makes: in-app, of type
// test.scored, its id derived by ids from the submission id. The live-update port builds the
// same one to push it. Its texts call the quiz a test, as the API does.
func QuizScoredRequest(s testresult.Scored, ids NamedIDs) (notification.Requested, error) {
	if !shared.IsUUID(s.SubmissionID) {
		return notification.Requested{}, shared.Invalid("submission_id", "must be a UUID")
	}
	title := strings.TrimSpace(s.QuizTitle)
	if title == "" {
		title = "your test"
	}
	title = notification.Shorten(title, maxQuizTitleRunes)
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
