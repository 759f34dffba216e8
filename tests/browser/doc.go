// Package browser tests the console at / in a real browser: Debian's headless chromium,
// driven by chromedp, against the taskstream binary in its embedded default. Each test does
// what a person does (sign in, type, click) and waits on what the page shows; a failing test
// saves a screenshot of every tab and prints where. Run with -screenshots DIR to write the
// README's pictures (docs/img) from the real thing.
package browser
