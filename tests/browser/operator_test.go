package browser_test

import (
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

const operatorSecret = "browser-test-secret-browser-test-secret"

// An operator opens the parked messages (GoChannel keeps none, so the binary runs on
// BROKER=postgres), opens one, replays it after a dry run, and sees the to-do it carried
// stored; a user without the role gets no operator tab and 403 from the operator routes.
func TestOperatorReplaysAParkedMessage(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a real browser on the binary: not a unit test")
	}
	url, db := pgtest.NewDatabase(t)
	env := map[string]string{"DATABASE_URL": url, "BROKER": "postgres", "AUTH_JWT_SECRET": operatorSecret}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	// A to-do's create event, parked as the ingest consumer parks one it could not store.
	b, err := broker.NewPostgres(t.Context(), db, cfg.Topics.All(), cfg.Topics.Poison, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	td, err := todo.New(uuid.NewString(), "olga", "Parked then replayed", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	routed, err := messages.TodoCreateRequested(td, shared.EventMeta{}, cfg.Topics.TodoCreate)
	if err != nil {
		t.Fatal(err)
	}
	envelope.MarkPoisoned(routed.Message, "store: connection refused", cfg.Topics.TodoCreate, "ingest-todos", cfg.Groups.Todo)
	if err := b.Publisher().Publish(cfg.Topics.Poison, routed.Message); err != nil {
		t.Fatal(err)
	}

	addr := proc.FreeAddr(t)
	env["HTTP_ADDR"] = addr
	p := proc.Start(t, "taskstream all (postgres)", binary, env, "all")
	base := "http://" + addr
	p.WaitReady(t, base)

	br := newBrowser(t, base)
	olga := br.open("olga (operator)", true)
	signInWithToken(olga, issueToken(t, "olga", "--role", "operator"))
	olga.until("the operator tab is offered", `!document.querySelector('#tab-ops').hidden`)
	olga.run(chromedp.Click(chromedp.CSS(`#tab-ops`)), chromedp.WaitVisible(chromedp.CSS(`#ops-filter`)))
	olga.until("the parked message is listed with its reason",
		`[...document.querySelectorAll('#ops-list tr .reason')].some(e => e.textContent === 'store: connection refused')`)
	olga.until("the reasons are counted", `document.querySelector('#ops-reasons').textContent.includes('1 × store: connection refused')`)
	olga.run(chromedp.Click(chromedp.CSS(`#ops-list tr button[aria-label^="Open"]`)), chromedp.WaitVisible(chromedp.CSS(`#ops-detail`)))
	olga.until("the payload is shown", `document.querySelector('#ops-payload').textContent.includes('Parked then replayed')`)

	olga.run(chromedp.Click(chromedp.CSS(`#ops-list tr button[aria-label^="Replay"]`)), chromedp.WaitVisible(chromedp.CSS(`#ops-plan`)))
	olga.until("the dry run says what would be replayed", `document.querySelector('#ops-plan-summary').textContent === 'Would replay 1 of 1 selected parked messages.'`)
	picture(olga, "parked.png") // the README's picture of the operator tab (make screenshots)
	unnamed := eval[[]string](olga, `[...document.querySelectorAll('#ops button, #ops input')]
		.filter(e => e.offsetParent !== null)
		.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
		.map(e => e.outerHTML.slice(0, 80))`)
	if len(unnamed) > 0 {
		t.Errorf("operator controls without an accessible name: %v", unnamed)
	}
	// From the keyboard: the dry run takes the focus, Tab reaches "Replay now", Enter presses it.
	olga.until("the dry run has the focus", `document.activeElement.id === 'ops-plan-summary'`)
	olga.run(chromedp.KeyEvent(kb.Tab))
	olga.until("Tab reaches Replay now", `document.activeElement.id === 'ops-confirm'`)
	olga.run(chromedp.KeyEvent(kb.Enter))
	olga.until("the replay is reported", `document.querySelector('#ops-result').textContent === 'Replayed 1 of 1 selected parked messages.'`)

	// Processed: the ingest consumer stored the replayed to-do, which the console now lists.
	olga.run(chromedp.Navigate(base+"/#todos"), chromedp.WaitVisible(chromedp.CSS(`#todo-form`)))
	for start := time.Now(); ; {
		n := eval[int](olga, `document.querySelectorAll('#todo-list li[data-state=stored]').length`)
		if n == 1 {
			break
		}
		if time.Since(start) > wait {
			t.Fatal("the replayed to-do was not stored")
		}
		time.Sleep(500 * time.Millisecond)
		olga.run(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#todo-form`)))
	}
	if title := eval[string](olga, `document.querySelector('#todo-list li[data-state=stored] .title').textContent`); title != "Parked then replayed" {
		t.Errorf("stored to-do %q", title)
	}

	nina := br.open("nina (no role)", true)
	ninaToken := issueToken(t, "nina")
	signInWithToken(nina, ninaToken)
	nina.until("signed in", `!document.querySelector('#tasks').hidden`)
	if shown := eval[bool](nina, `!document.querySelector('#tab-ops').hidden`); shown {
		t.Error("a user without the operator role is offered the operator tab")
	}
	for _, path := range []string{"/v1/ops/outbox", "/v1/ops/parked"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+ninaToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as nina: %d, want 403", path, res.StatusCode)
		}
	}
}

// issueToken runs `taskstream token` with the test's secret.
func issueToken(t *testing.T, user string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"token", "--user", user}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "AUTH_JWT_SECRET=" + operatorSecret}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("taskstream token: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// signInWithToken pastes a token into the sign-in form.
func signInWithToken(tb *tab, token string) {
	tb.b.t.Helper()
	tb.run(
		chromedp.WaitVisible(chromedp.CSS(`#token-form`)),
		chromedp.SetValue(chromedp.CSS(`#token`), token),
		chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
	)
	tb.until("signed in", `document.querySelector('#user').textContent !== ''`)
}
