package browser_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Ivy builds a quiz and shares its link; Jack, in a browser of his own, opens the link, signs
// in, takes it and sees his submission go from pending to scored with the breakdown by
// category; Ivy, the owner, sees it counted in the statistics.
func TestQuizSharedTakenAndScoredLive(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, startEmbedded(t))
	ivy := b.open("ivy", false)
	ivy.signIn("ivy")
	ivy.run(
		chromedp.Click(chromedp.CSS(`#tab-quizzes`)),
		chromedp.Click(chromedp.CSS(`#quiz-new summary`)),
		chromedp.SetValue(chromedp.CSS(`#quiz-title`), "Capitals"),
		chromedp.SetValue(chromedp.CSS(`#quiz-feedback`), "per_question"),
		chromedp.SetValue(chromedp.CSS(`#qb-1-text`), "Capital of France?"),
		chromedp.SetValue(chromedp.CSS(`#qb-1-category`), "europe"),
		chromedp.SetValue(chromedp.CSS(`#qb-1-options`), "*Paris\nLyon\nNice"),
		chromedp.Click(chromedp.CSS(`#quiz-add-question`)),
		chromedp.SetValue(chromedp.CSS(`#qb-2-text`), "Capital of Japan?"),
		chromedp.SetValue(chromedp.CSS(`#qb-2-category`), "asia"),
		chromedp.SetValue(chromedp.CSS(`#qb-2-points`), "2"),
		chromedp.SetValue(chromedp.CSS(`#qb-2-options`), "Osaka\n*Tokyo"),
		chromedp.Click(chromedp.CSS(`#quiz-form button[type=submit]`)),
	)
	ivy.until("the quiz is open with its share link", `document.querySelector('#quiz-view-title').textContent === 'Capitals'`)
	link := eval[string](ivy, `document.querySelector('#quiz-share').href`)
	if !strings.Contains(link, "/#quiz=") {
		t.Fatalf("share link = %q", link)
	}
	ivy.until("the owner sees the statistics", `document.querySelector('#quiz-stats').textContent.includes('0 scored')`)

	jack := b.open("jack", true)
	jack.run(chromedp.Navigate(link))
	jack.signIn("jack")
	jack.until("the shared quiz opens after sign-in", `document.querySelector('#quiz-view-title').textContent === 'Capitals'`)
	if !eval[bool](jack, `document.querySelector('#quiz-stats').hidden`) {
		t.Error("jack sees the statistics of ivy's quiz")
	}
	eval[bool](jack, `(() => {
		window.__states = [];
		new MutationObserver(() => window.__states.push(document.querySelector('#quiz-result').dataset.status))
			.observe(document.querySelector('#quiz-result'), {attributes: true, attributeFilter: ['data-status']});
		return true;
	})()`)
	jack.run(
		chromedp.Click(chromedp.CSS(`#quiz-questions input[name=q1][value=a]`)), // Paris: right
		chromedp.Click(chromedp.CSS(`#quiz-questions input[name=q2][value=a]`)), // Osaka: wrong
		chromedp.Click(chromedp.CSS(`#quiz-take button[type=submit]`)),
	)
	jack.until("the submission is scored", `document.querySelector('#quiz-result').dataset.status === 'scored'`)
	if states := eval[[]string](jack, `window.__states`); len(states) < 2 || states[0] != "pending" || states[len(states)-1] != "scored" {
		t.Errorf("the result showed %v, want pending then scored", states)
	}
	if got := eval[string](jack, `document.querySelector('#quiz-result .score').textContent`); got != "1 of 3 points (33%)" {
		t.Errorf("score = %q, want 1 of 3 points (33%%)", got)
	}
	jack.until("the breakdown by category", `[...document.querySelectorAll('#quiz-result .breakdown td')].map(td => td.textContent).join(' ').includes('asia 0 / 2')`)
	if text := eval[string](jack, `document.querySelector('#quiz-result').textContent`); strings.Contains(text, "null") {
		t.Errorf("the result reads %q", text)
	}
	picture(jack, "quiz-result.png")

	// The statistics are kept by the analytics consumer after the scoring: refresh, at most
	// once a second, until they count it.
	ivy.until("the owner's statistics count the scored submission", `(() => {
		if (document.querySelector('#quiz-stats').textContent.includes('1 scored')) return true;
		if (!window.__refreshed || Date.now() - window.__refreshed > 1000) {
			window.__refreshed = Date.now();
			document.querySelector('#quiz-stats-refresh').click();
		}
		return false;
	})()`)
}
