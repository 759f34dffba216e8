package browser_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// cardIn is a JavaScript expression: whether the column of status shows a card titled title.
func cardIn(status, title string) string {
	return fmt.Sprintf(`[...document.querySelectorAll('ul[data-status=%q] li h4')].some(h => h.textContent === %q)`, status, title)
}

// Two tabs of alice and one of bob, in a browser context of his own: alice creates and moves a
// task in one tab, her other tab shows both changes live (it never reloads), bob's board never
// shows the task.
func TestBoardChangesAppearLiveInTheOwnersOtherTab(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t))
	alice := b.open("alice", false)
	aliceAgain := b.open("alice's other tab", false)
	bob := b.open("bob", true)
	alice.signIn("alice")
	aliceAgain.signIn("alice")
	bob.signIn("bob")
	eval[bool](aliceAgain, `window.__loadedOnce = true`) // gone if the tab reloaded

	const title = "Write the quarterly report"
	alice.run(
		chromedp.SetValue(chromedp.CSS(`#task-title`), title),
		chromedp.SetValue(chromedp.CSS(`#task-priority`), "high"),
		chromedp.Click(chromedp.CSS(`#task-form button[type=submit]`)),
	)
	alice.until("the new task is in To do", cardIn("todo", title))
	aliceAgain.until("the new task appears live in To do", cardIn("todo", title))

	alice.run(chromedp.Click(chromedp.CSS(`li[data-task-id] button.move-in_progress`)))
	alice.until("the task moved to In progress", cardIn("in_progress", title))
	aliceAgain.until("the move appears live", cardIn("in_progress", title)+` && !`+cardIn("todo", title))

	if !eval[bool](aliceAgain, `window.__loadedOnce === true`) {
		t.Error("alice's other tab reloaded: the changes did not arrive live")
	}
	// Bob has been connected all along, and alice's other tab has seen both frames: had bob
	// been sent one, his board would have fetched the task (a 404 for him) and shown nothing,
	// so the board is checked and so is what his own reload shows.
	bobCards := eval[int](bob, `document.querySelectorAll('li[data-task-id]').length`)
	if bobCards != 0 {
		t.Errorf("bob's board shows %d tasks, want none of alice's", bobCards)
	}
	bob.run(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#tasks`)))
	bob.until("bob's board loaded", `document.querySelector('#live').dataset.state === 'live'`)
	bobCards = eval[int](bob, `document.querySelectorAll('li[data-task-id]').length`)
	if bobCards != 0 {
		t.Errorf("bob's board shows %d tasks after a reload, want none of alice's", bobCards)
	}
}

// An edit opened before another tab changed the task is refused (412); the dialog says so and
// offers the current version, which it loads.
func TestStaleEditShowsTheCurrentVersion(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t))
	first := b.open("first tab", false)
	second := b.open("second tab", false)
	first.signIn("carol")
	second.signIn("carol")
	first.run(
		chromedp.SetValue(chromedp.CSS(`#task-title`), "Book the venue"),
		chromedp.Click(chromedp.CSS(`#task-form button[type=submit]`)),
	)
	second.until("the task arrived", cardIn("todo", "Book the venue"))

	first.run(chromedp.Click(chromedp.CSS(`li[data-task-id] button.edit`)), chromedp.WaitVisible(chromedp.CSS(`#task-dialog`)))
	second.run(chromedp.Click(chromedp.CSS(`li[data-task-id] button.move-in_progress`)))
	second.until("moved", cardIn("in_progress", "Book the venue"))

	first.run(
		chromedp.SetValue(chromedp.CSS(`#edit-title`), "Book the big venue"),
		chromedp.Click(chromedp.CSS(`#edit-save`)),
		chromedp.WaitVisible(chromedp.CSS(`#stale`)),
		chromedp.Click(chromedp.CSS(`#edit-take-current`)),
	)
	first.until("the form shows the current version", `document.querySelector('#edit-status').value === 'in_progress' && document.querySelector('#edit-title').value === 'Book the venue'`)
}
