package browser_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// A new to-do shows as pending (accepted, not stored) until the worker stored it, then as
// stored; a MutationObserver records every state the list showed, however short.
func TestTodoGoesFromPendingToStored(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t))
	dave := b.open("dave", false)
	dave.signIn("dave")
	dave.run(chromedp.Click(chromedp.CSS(`#tab-todos`)), chromedp.WaitVisible(chromedp.CSS(`#todo-form`)))
	eval[bool](dave, `(() => {
		window.__states = [];
		new MutationObserver((records) => {
			for (const r of records) for (const n of r.addedNodes) if (n.dataset) window.__states.push(n.dataset.state);
		}).observe(document.querySelector('#todo-list'), {childList: true});
		return true;
	})()`)
	dave.run(
		chromedp.SetValue(chromedp.CSS(`#todo-title`), "Buy milk"),
		chromedp.Click(chromedp.CSS(`#todo-form button[type=submit]`)),
	)
	dave.until("the to-do is shown stored", `[...document.querySelectorAll('#todo-list li[data-state=stored] .title')].some(e => e.textContent === 'Buy milk')`)
	states := eval[[]string](dave, `window.__states`)
	if len(states) != 2 || states[0] != "pending" || states[1] != "stored" {
		t.Errorf("the list showed the to-do as %v, want [pending stored]", states)
	}
	pending := eval[int](dave, `document.querySelectorAll('#todo-list li[data-state=pending]').length`)
	if pending != 0 {
		t.Errorf("%d to-dos still pending", pending)
	}
}
