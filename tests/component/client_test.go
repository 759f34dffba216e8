package component_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// client calls the API as one user.
type client struct {
	t       *testing.T
	base    string
	user    string
	token   string
	headers map[string]string // sent with every request
}

func newClient(t *testing.T, base, user string) *client {
	t.Helper()
	tok, err := httpport.IssueHS256Token([]byte(secret), user, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: base, user: user, token: tok}
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// with returns a client of the same user that also sends header k: v.
func (c *client) with(k, v string) *client {
	headers := map[string]string{k: v}
	for hk, hv := range c.headers {
		headers[hk] = hv
	}
	return &client{t: c.t, base: c.base, user: c.user, token: c.token, headers: headers}
}

func (c *client) do(method, path, body string) response {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out.body)
	}
	return out
}

func (c *client) expect(method, path, body string, status int) response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.raw)
	}
	return r
}

// at returns a client of the same user, with the same headers, for the API instance at base.
func (c *client) at(base string) *client {
	return &client{t: c.t, base: base, user: c.user, token: c.token, headers: c.headers}
}
