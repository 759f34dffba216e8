package browser_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// addTask creates a task through the board's form and moves it to status.
func addTask(tb *tab, title, priority, status string, due ...string) {
	tb.b.t.Helper()
	if len(due) > 0 {
		tb.run(chromedp.SetValue(chromedp.CSS(`#task-due`), due[0]))
	}
	tb.run(
		chromedp.SetValue(chromedp.CSS(`#task-title`), title),
		chromedp.SetValue(chromedp.CSS(`#task-priority`), priority),
		chromedp.Click(chromedp.CSS(`#task-form button[type=submit]`)),
	)
	tb.until("the task is on the board", cardIn("todo", title))
	sel := `li[data-task-id]:first-child `
	switch status {
	case "in_progress":
		tb.run(chromedp.Click(chromedp.CSS(`ul[data-status=todo] ` + sel + `button.move-in_progress`)))
	case "done":
		tb.run(chromedp.Click(chromedp.CSS(`ul[data-status=todo] ` + sel + `button.complete`)))
	}
	tb.until("the task is in its column", cardIn(status, title))
}

// The board as the README shows it, taken from the real thing: written to the -screenshots
// directory when given (make screenshots),
// else to a temporary one. The test checks that a picture was taken.
func TestBoardScreenshot(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t))
	erin := b.open("erin", false)
	// Printed, not asserted: the page and its modules from the embedded binary, on this machine.
	t.Logf("first load of /: %.0f ms to the load event", eval[float64](erin, `performance.getEntriesByType('navigation')[0].loadEventEnd`))
	erin.signIn("erin")
	addTask(erin, "Draft the release notes", "medium", "done")
	addTask(erin, "Review the outbox relay PR", "high", "in_progress")
	addTask(erin, "Rotate the signing secret", "urgent", "todo", "2026-12-11T17:00")
	addTask(erin, "Water the office plants", "low", "todo")
	picture(erin, "board.png")
}

// picture saves what the tab shows as name in the -screenshots directory when given, else in a
// temporary one, and checks that it is a PNG.
func picture(tb *tab, name string) {
	t := tb.b.t
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, wait)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("the screenshot is no PNG (%d bytes)", len(png))
	}
	dir := *screenshots
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// At 375 px wide (a small phone) nothing scrolls sideways, and every control of the board
// has a name a screen reader reads out.
func TestConsoleFitsAPhoneAndNamesItsControls(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t))
	fay := b.open("fay", false)
	fay.run(chromedp.EmulateViewport(375, 740))
	fay.signIn("fay")
	addTask(fay, "A task with a rather long title that has to wrap on a small screen", "high", "in_progress")
	if w := eval[int](fay, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("the board is %d px wide at 375 px: it scrolls sideways", w)
	}
	unnamed := eval[[]string](fay, `[...document.querySelectorAll('button, input, select, textarea')]
		.filter(e => e.offsetParent !== null || e.closest('dialog'))
		.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
		.map(e => e.outerHTML.slice(0, 80))`)
	if len(unnamed) > 0 {
		t.Errorf("controls without an accessible name: %v", unnamed)
	}
	fay.run(chromedp.Click(chromedp.CSS(`#tab-todos`)), chromedp.WaitVisible(chromedp.CSS(`#todo-form`)))
	if w := eval[int](fay, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("the to-dos are %d px wide at 375 px: they scroll sideways", w)
	}
}
