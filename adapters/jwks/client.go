package jwks

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxDocumentBytes bounds the key set document read from the identity provider: a set holds a
// handful of keys, and a provider gone wrong must not make the process read without end
// (jwkset decodes the body as it comes, without a bound of its own).
const maxDocumentBytes = 1 << 20

// errRedirect is the reason a fetch answered with a redirect fails.
var errRedirect = errors.New("the key set URL answered with a redirect, which is not followed")

// newClient is the client of every fetch: no redirects, DefaultTimeout, bounded bodies.
func newClient(transport http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: boundedTransport{next: transport},
		Timeout:   DefaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errRedirect
		},
	}
}

// boundedTransport makes every response body fail once it passes maxDocumentBytes.
type boundedTransport struct{ next http.RoundTripper }

func (t boundedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &boundedBody{ReadCloser: resp.Body, left: maxDocumentBytes}
	return resp, nil
}

// boundedBody reads up to left bytes and fails on the byte after.
type boundedBody struct {
	io.ReadCloser
	left int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("the document is larger than %d bytes", maxDocumentBytes)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, fmt.Errorf("the document is larger than %d bytes", maxDocumentBytes)
	}
	return n, err
}
