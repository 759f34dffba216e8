package jwks

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/platform/redact"
)

// fetchTimeout bounds a fetch after the first (a refresh, or a refetch for an unknown kid),
// whatever the client's own timeout: callers with a new kid wait for it meanwhile.
const fetchTimeout = 10 * time.Second

// refreshLoop fetches the set every RefreshEvery until ctx is done. A failure keeps the last
// good set and is logged.
func (s *KeySet) refreshLoop(ctx context.Context) {
	ticker := time.NewTicker(s.cfg.RefreshEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := s.refresh(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.WarnContext(ctx, "refreshing the JWKS failed; keeping the last key set", "url", redact.URL(s.cfg.URL), "error", err)
			}
		}
	}
}

func (s *KeySet) refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	s.fetchMu.Lock()
	defer s.fetchMu.Unlock()
	return s.fetchLocked(ctx)
}
