package notification_test

import (
	"testing"

	"github.com/taskstream/taskstream/domain/notification"
)

// A delivery shows its user a reason of the catalogue and nothing else: a provider's text (with
// a server name, an account or a URL's api_key) reads as ReasonSendFailed, whether it comes with
// an attempt, in a recorded delivery, or from storage written before the catalogue.
func TestDeliveryReasonsAreCategories(t *testing.T) {
	t.Parallel()
	const leaked = `status 401: {"authorization":"Bearer tok"} from https://gw.example/send?api_key=k`
	n, err := notification.New(valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	email, _ := n.Delivery(notification.ChannelEmail)
	if d := email.Failed(leaked, false); d.Reason != notification.ReasonSendFailed {
		t.Errorf("Failed with a provider's text: reason %q", d.Reason)
	}
	if d := email.Failed(notification.ReasonEmailAddressRefused, true); d.Reason != notification.ReasonEmailAddressRefused {
		t.Errorf("Failed with a category: reason %q", d.Reason)
	}
	sms, _ := n.Delivery(notification.ChannelSMS)
	sms.Reason = leaked
	if err := n.RecordDelivery(sms); err != nil {
		t.Fatal(err)
	}
	if got, _ := n.Delivery(notification.ChannelSMS); got.Reason != notification.ReasonSendFailed {
		t.Errorf("recorded delivery: reason %q", got.Reason)
	}
	snap := n.Snapshot()
	snap.Deliveries[0].Reason = leaked
	stored, err := notification.Rehydrate(snap)
	if err != nil {
		t.Fatal(err)
	}
	if got := stored.Deliveries()[0].Reason; got != notification.ReasonSendFailed {
		t.Errorf("rehydrated delivery: reason %q", got)
	}
}
