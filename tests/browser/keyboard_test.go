package browser_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The board works from the keyboard alone: type a title and press Enter to add a task, Tab from
// the form reaches the card's controls, Enter on a focused button moves the task, Escape closes
// the edit dialog; the task's history lists both changes.
func TestBoardWorksFromTheKeyboard(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t))
	kim := b.open("kim", false)
	kim.signIn("kim")
	kim.run(chromedp.SendKeys(chromedp.CSS(`#task-title`), "Typed, not clicked"+kb.Enter))
	kim.until("Enter added the task", cardIn("todo", "Typed, not clicked"))

	// Tab from the form's last control lands on the first card's first button.
	kim.run(chromedp.Focus(chromedp.CSS(`#task-form button[type=submit]`)), chromedp.KeyEvent(kb.Tab))
	kim.until("Tab reaches the card", `document.activeElement.closest('li[data-task-id]') !== null`)
	kim.run(chromedp.Focus(chromedp.CSS(`li[data-task-id] button.move-in_progress`)), chromedp.KeyEvent(kb.Enter))
	kim.until("Enter on the button moved the task", cardIn("in_progress", "Typed, not clicked"))

	kim.run(chromedp.Focus(chromedp.CSS(`li[data-task-id] button.edit`)), chromedp.KeyEvent(kb.Enter))
	kim.until("the edit dialog is open with the focus in it", `document.querySelector('#task-dialog').open && document.querySelector('#task-dialog').contains(document.activeElement)`)
	kim.run(chromedp.KeyEvent(kb.Escape))
	kim.until("Escape closed the dialog", `!document.querySelector('#task-dialog').open`)

	// The history is written by the audit consumer after each change: reopen it, at most once
	// a second, until it lists both.
	kim.until("the history lists the creation and the move", `(() => {
		const text = document.querySelector('#history-list').textContent;
		if (document.querySelector('#history-dialog').open && text.includes('created v1') && text.includes('updated v2')) return true;
		if (!window.__opened || Date.now() - window.__opened > 1000) {
			window.__opened = Date.now();
			document.querySelector('#history-dialog').close();
			document.querySelector('li[data-task-id] button.history').click();
		}
		return false;
	})()`)
}
