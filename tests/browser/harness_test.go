package browser_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

var (
	binary      string
	screenshots = flag.String("screenshots", "", "write the README's screenshots (board.png) into this directory")
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if testing.Short() {
		return m.Run() // every test skips itself: a browser is no unit test
	}
	dir, err := os.MkdirTemp("", "taskstream-browser")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if binary, err = proc.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// wait bounds every condition a test waits for: generous, as a loaded two-core machine may
// take seconds to start a browser and render a page; a condition met returns at once.
const wait = 90 * time.Second

// startEmbedded runs `taskstream all` with nothing configured, the embedded default (extra
// settings aside, such as a short reminder interval), and returns its base URL once it is ready.
func startEmbedded(t *testing.T, extra ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("a real browser on the binary: not a unit test")
	}
	addr := proc.FreeAddr(t)
	env := map[string]string{"HTTP_ADDR": addr}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	p := proc.Start(t, "taskstream all (embedded)", binary, env, "all")
	base := "http://" + addr
	p.WaitReady(t, base)
	return base
}

// chromium finds Debian's chromium; the browser tests fail without it (install it with
// `apt-get install chromium`), they never pass by skipping.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: apt-get install -y chromium (the browser tests need it)")
	return ""
}

// browser is one headless chromium for a test; tabs are opened in it.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	tabs []*tab
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("a real browser: not a unit test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // CI runs as root, where chromium's sandbox cannot start
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 860),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a timeout (it would stop it)
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx, base: base}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return b
}

// tab is one browser tab. Tabs opened with isolated are in a browser context of their own
// (no shared storage), as two browser windows of two people are.
type tab struct {
	b    *browser
	name string
	ctx  context.Context
}

func (b *browser) open(name string, isolated bool) *tab {
	b.t.Helper()
	var opts []chromedp.ContextOption
	if isolated {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(b.ctx, opts...)
	b.t.Cleanup(cancel)
	tb := &tab{b: b, name: name, ctx: ctx}
	b.t.Cleanup(func() { // runs before cancel: cleanups run last first
		if b.t.Failed() {
			tb.screenshot()
		}
	})
	b.tabs = append(b.tabs, tb)
	// The first run opens the tab, which lives as long as that run's context: it gets none of
	// its own, so the tab lives until the test ends.
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open tab %s: %v", name, err)
	}
	tb.run(chromedp.Navigate(b.base + "/"))
	return tb
}

// run runs actions in the tab within wait, failing the test otherwise.
func (tb *tab) run(actions ...chromedp.Action[chromedp.Void]) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, wait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.b.t.Fatalf("%s: %v", tb.name, err)
	}
}

// until waits until the JavaScript expression is truthy in the tab.
func (tb *tab) until(what, expr string) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, wait)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(wait)))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			tb.b.t.Fatalf("%s: %s: not so after %s", tb.name, what, wait)
		}
		tb.b.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
}

// eval returns the value of a JavaScript expression in the tab.
func eval[T any](tb *tab, expr string) T {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, wait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.b.t.Fatalf("%s: %s: %v", tb.name, expr, err)
	}
	return v
}

// signIn uses the embedded default's one-click sign-in and waits for the live feed.
func (tb *tab) signIn(user string) {
	tb.b.t.Helper()
	tb.run(
		chromedp.WaitVisible(chromedp.CSS(`#demo-form`)),
		chromedp.SetValue(chromedp.CSS(`#demo-user`), user),
		chromedp.Click(chromedp.CSS(`#demo-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
	)
	tb.until("signed in as "+user, fmt.Sprintf(`document.querySelector('#user').textContent === %q`, user))
	tb.until("the live feed is connected", `document.querySelector('#live').dataset.state === 'live'`)
}

// screenshot saves what the tab shows into a directory that outlives the test, and prints
// the path.
func (tb *tab) screenshot() {
	t := tb.b.t
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot of %s: %v", tb.name, err)
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_", "'", "").Replace(t.Name() + "-" + tb.name)
	f, err := os.CreateTemp("", "taskstream-browser-"+name+"-*.png")
	if err != nil {
		t.Logf("screenshot of %s: %v", tb.name, err)
		return
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Write(png); err != nil {
		t.Logf("screenshot of %s: %v", tb.name, err)
		return
	}
	t.Logf("screenshot of %s: %s", tb.name, f.Name())
}
