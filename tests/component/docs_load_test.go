package component_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/tests/internal/proc"
)

// fetched is one response as a first visit gets it: time to first byte, total time, the bytes
// on the wire (gzip when the server compresses) and decoded.
type fetched struct {
	path        string
	status      int
	header      http.Header
	ttfb, total time.Duration
	wire        int
	body        []byte
}

func fetchTimed(t *testing.T, c *http.Client, base, path string) fetched {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport leaves the body compressed
	var first time.Time
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotFirstResponseByte: func() { first = time.Now() },
	}))
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	f := fetched{path: path, status: resp.StatusCode, header: resp.Header, ttfb: first.Sub(start), total: time.Since(start), wire: len(raw), body: raw}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if f.body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// The documentation pages load from the embedded binary: each page, every file it refers to
// and the document its script fetches, on a fresh connection as a first visit. The figures are
// printed, not asserted (issue 12 asks for under 300 ms on this machine); the statuses, the CSP
// and the AsyncAPI document of the default configuration are asserted.
func TestDocsPagesLoadFromTheEmbeddedBinary(t *testing.T) {
	t.Parallel()
	addr := proc.FreeAddr(t)
	all := start(t, map[string]string{"HTTP_ADDR": addr})
	base := "http://" + addr
	all.WaitReady(t, base)
	refs := regexp.MustCompile(`(?:src|href)="(/docs/assets/[^"]*)"`) // what the page loads, not its links
	pages := map[string]string{"/docs": "/openapi.json", "/docs/events": "/asyncapi.json"}
	for _, page := range []string{"/docs", "/docs/events"} {
		c := &http.Client{Transport: &http.Transport{}} // a first visit: a new connection, nothing cached
		p := fetchTimed(t, c, base, page)
		if p.status != http.StatusOK || !strings.Contains(p.header.Get("Content-Security-Policy"), "script-src 'self';") {
			t.Fatalf("GET %s: %d, CSP %q", page, p.status, p.header.Get("Content-Security-Policy"))
		}
		loads := []fetched{p}
		for _, r := range refs.FindAllStringSubmatch(string(p.body), -1) {
			loads = append(loads, fetchTimed(t, c, base, r[1]))
		}
		loads = append(loads, fetchTimed(t, c, base, pages[page]))
		var sum time.Duration
		var wire, size int
		for _, f := range loads {
			if f.status != http.StatusOK {
				t.Errorf("GET %s (from %s): %d", f.path, page, f.status)
			}
			sum += f.total
			wire += f.wire
			size += len(f.body)
			t.Logf("%-52s ttfb %7s  total %7s  %8d bytes on the wire, %8d decoded",
				f.path, f.ttfb.Round(10*time.Microsecond), f.total.Round(10*time.Microsecond), f.wire, len(f.body))
		}
		t.Logf("%s: %d requests one after another in %s, %d bytes on the wire (%d decoded)", page, len(loads), sum.Round(time.Millisecond), wire, size)
		c.CloseIdleConnections()
	}
	want, err := os.ReadFile("../../adapters/messages/asyncapi/testdata/asyncapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := fetchTimed(t, http.DefaultClient, base, "/asyncapi.json"); !bytes.Equal(got.body, want) {
		t.Error("the binary's /asyncapi.json on the default configuration is not the committed document")
	}
	all.Stop(t, stopTimeout)
}
