package jwks

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/taskstream/taskstream/platform/redact"
)

// maxDocumentBytes bounds the key set document read from the identity provider: a set holds a
// handful of keys, and a provider gone wrong must not make the process read without end.
const maxDocumentBytes = 1 << 20

// fetchLocked fetches the set and installs it; the caller holds fetchMu. A failed fetch leaves
// the current set in place but still counts for the minimum gap, so a provider that is down is
// not asked again for every token with an unknown kid.
func (s *KeySet) fetchLocked(ctx context.Context) error {
	s.lastFetch = time.Now()
	body, err := s.get(ctx)
	if err != nil {
		return err
	}
	keys, err := parse(body)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.keys = keys
	s.mu.Unlock()
	return nil
}

// get returns the document at the set's URL, refusing an answer other than 200 and one larger
// than maxDocumentBytes.
func (s *KeySet) get(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch the key set: %w", redact.Error(err))
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		// net/http quotes the URL, query string and all: the log shows where it went, not a secret.
		return nil, fmt.Errorf("fetch the key set: %w", redact.Error(err))
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the key set: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch the key set: %w", err)
	}
	if len(body) > maxDocumentBytes {
		return nil, fmt.Errorf("fetch the key set: the document is larger than %d bytes", maxDocumentBytes)
	}
	return body, nil
}
