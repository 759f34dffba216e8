package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// The delivery records the category a sender reports, never the detail of its error (the
// provider's text); an error without a category is recorded as ReasonSendFailed.
func TestDeliveryRecordsTheCategoryNotTheProviderText(t *testing.T) {
	t.Parallel()
	const detail = `status 401: {"authorization":"Bearer tok-s3cret"}`
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"category", &shared.Error{Kind: shared.KindInvalid, Field: "email", Message: notification.ReasonEmailAddressRefused,
			Err: errors.New(detail)}, notification.ReasonEmailAddressRefused},
		{"no category", shared.Invalid("email", "%s", detail), notification.ReasonSendFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store, senders := newFakeNotifications(), &fakeSenders{}
			senders.set(tc.err, nil)
			res, err := newRequestHandler(store, senders, 1).Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: request()})
			if err != nil {
				t.Fatal(err)
			}
			d, _ := res.Notification.Delivery("email")
			if d.Reason != tc.want || strings.Contains(d.Reason, "s3cret") {
				t.Errorf("email %+v, want the reason %q", d, tc.want)
			}
		})
	}
}
