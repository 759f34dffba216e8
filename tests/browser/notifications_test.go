package browser_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A task due within the reminder window gets a due-soon reminder: it arrives live, raises the
// unread count in the tab, shows its in-app channel as sent, and marking it read lowers the
// count; another user gets nothing.
func TestNotificationArrivesLiveAndIsMarkedRead(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t, "REMINDER_INTERVAL", "200ms", "REMINDER_WINDOW", "24h"))
	gus := b.open("gus", false)
	hal := b.open("hal", true)
	gus.signIn("gus")
	hal.signIn("hal")
	gus.until("no notification yet", `document.querySelector('#unread').textContent === '0'`)
	due := time.Now().Add(2 * time.Hour).Format("2006-01-02T15:04")
	addTask(gus, "Send the invoices", "high", "todo", due)

	gus.until("the unread count rises live", `document.querySelector('#unread').textContent === '1'`)
	gus.run(chromedp.Click(chromedp.CSS(`#tab-notifications`)), chromedp.WaitVisible(chromedp.CSS(`#notification-list li`)))
	gus.until("the in-app channel is sent", `document.querySelector('#notification-list li [data-channel=in_app]').textContent === 'in_app: sent'`)
	gus.run(chromedp.Click(chromedp.CSS(`#notification-list li button.mark-read`)))
	gus.until("the count falls and the notification reads as read",
		`document.querySelector('#unread').textContent === '0' && document.querySelector('#notification-list li').dataset.read === 'true'`)

	if n := eval[int](hal, `document.querySelectorAll('#notification-list li').length`); n != 0 {
		t.Errorf("hal sees %d notifications, want none of gus's", n)
	}
	if got := eval[string](hal, `document.querySelector('#unread').textContent`); got != "0" {
		t.Errorf("hal's unread count = %s, want 0", got)
	}
}
