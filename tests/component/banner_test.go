package component_test

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

// The embedded default greets a person with one banner (the URL, a token that works, the API
// document, how to stop) and little else: the per-worker start lines are debug.
func TestEmbeddedStartPrintsOneShortBanner(t *testing.T) {
	t.Parallel()
	addr := proc.FreeAddr(t)
	p := start(t, map[string]string{"HTTP_ADDR": addr}, "all")
	base := "http://" + addr
	p.WaitReady(t, base)
	var banner string
	eventually(t, 10*time.Second, func() error {
		banner = lineWith(p.Output(), "Taskstream is ready")
		if banner == "" {
			return errNoBanner
		}
		return nil
	})
	for _, want := range []string{"url=" + base, "api_document=" + base + "/docs", "stop=Ctrl-C"} {
		mustContain(t, banner, want)
	}
	token := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(banner)
	if token == nil {
		t.Fatalf("no token in the banner %q", banner)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/todos", nil)
	req.Header.Set("Authorization", "Bearer "+token[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v1/todos with the banner's token: %d, want 200", resp.StatusCode)
	}

	// Info and above at start: the embedded-mode warning, where HTTP listens, the banner.
	var loud []string
	for _, line := range strings.Split(strings.TrimSpace(p.Output()), "\n") {
		if !strings.Contains(line, "level=DEBUG") {
			loud = append(loud, line)
		}
	}
	if len(loud) > 3 {
		t.Errorf("%d lines at info and above at start, want at most 3:\n%s", len(loud), strings.Join(loud, "\n"))
	}
}

var errNoBanner = errors.New("no banner yet")

// lineWith returns the first line of out holding s, or "".
func lineWith(out, s string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}
