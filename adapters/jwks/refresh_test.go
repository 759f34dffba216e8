package jwks_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/jwks"
)

func TestRefreshPicksUpRotatedKeys(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "k1")
	// A gap of an hour: only the refresh can fetch the rotated set.
	s := newKeySet(t, p, jwks.Config{RefreshEvery: 10 * time.Millisecond, MinRefreshGap: time.Hour})
	p.setKids("k2")
	eventually(t, "the refresh to install k2", func() bool {
		_, err := keyOf(t.Context(), s, "k2")
		return err == nil
	})
	if _, err := keyOf(t.Context(), s, "k1"); err == nil {
		t.Fatalf("a key rotated out: found (%v), want it refused", err)
	}
}

// The refresh stops with New's context, with Close, and when the start fails (jwkset starts
// its refresh before the first fetch).
func TestRefreshStops(t *testing.T) {
	t.Parallel()
	cases := map[string]func(t *testing.T, p *provider, cfg jwks.Config){
		"with the context": func(t *testing.T, p *provider, cfg jwks.Config) {
			ctx, cancel := context.WithCancel(t.Context())
			if _, err := jwks.New(ctx, cfg); err != nil {
				t.Fatal(err)
			}
			eventually(t, "a refresh", func() bool { return p.fetches.Load() > 1 })
			cancel()
		},
		"with Close": func(t *testing.T, p *provider, cfg jwks.Config) {
			s, err := jwks.New(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			eventually(t, "a refresh", func() bool { return p.fetches.Load() > 1 })
			s.Close()
		},
		"when the start fails": func(t *testing.T, p *provider, cfg jwks.Config) {
			p.setStatus(http.StatusServiceUnavailable)
			if _, err := jwks.New(t.Context(), cfg); err == nil {
				t.Fatal("New succeeded with the provider down")
			}
			p.setStatus(http.StatusOK)
		},
	}
	for name, stop := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := newProvider(t, "k1")
			stop(t, p, jwks.Config{URL: p.URL, Transport: p.Client().Transport, RefreshEvery: time.Millisecond, Logger: discard()})
			time.Sleep(20 * time.Millisecond) // a fetch in flight at the stop may still land
			before := p.fetches.Load()
			time.Sleep(50 * time.Millisecond)
			if after := p.fetches.Load(); after != before {
				t.Fatalf("fetches went on after the stop: %d, then %d", before, after)
			}
		})
	}
}

// A provider that is briefly down must not lock every caller out, nor go unnoticed.
func TestFailedFetchesKeepTheLastSetAndAreLogged(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		cfg     jwks.Config
		trigger func(*testing.T, *jwks.KeySet, *provider)
		message string
	}{
		{
			name: "refresh",
			cfg:  jwks.Config{RefreshEvery: 5 * time.Millisecond, MinRefreshGap: time.Hour},
			trigger: func(t *testing.T, _ *jwks.KeySet, p *provider) {
				eventually(t, "failed refreshes", func() bool { return p.fetches.Load() > 2 })
			},
			message: "fetching the JWKS failed; keeping the last key set",
		},
		{
			name: "refetch for an unknown kid",
			cfg:  jwks.Config{MinRefreshGap: time.Nanosecond},
			trigger: func(t *testing.T, s *jwks.KeySet, _ *provider) {
				if _, err := keyOf(t.Context(), s, "k2"); err == nil {
					t.Fatalf("PublicKey(k2) while the provider is down: found (%v), want it refused", err)
				}
			},
			message: "fetching the JWKS failed; keeping the last key set",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newProvider(t, "k1")
			logs := &logRecorder{}
			tc.cfg.Logger = slog.New(logs)
			s := newKeySet(t, p, tc.cfg)
			p.setStatus(http.StatusServiceUnavailable)
			tc.trigger(t, s, p)
			if key, err := keyOf(t.Context(), s, "k1"); err != nil || !key.Equal(testKey()) {
				t.Fatalf("PublicKey(k1) after a failed fetch = %v, %v; want the last good key", key, err)
			}
			eventually(t, "the failure to be logged", func() bool { return logged(logs, tc.message, "status code: 503") })
		})
	}
}

// logged reports whether logs hold a warning with message and an error that mentions errText.
func logged(logs *logRecorder, message, errText string) bool {
	for _, r := range logs.snapshot() {
		if r.msg == message && r.level >= slog.LevelWarn && strings.Contains(r.err, errText) {
			return true
		}
	}
	return false
}

// A refresh that brings a set without any usable key (a provider misconfigured for a moment)
// keeps the last good set, as a failed fetch does, instead of locking every caller out.
func TestARefreshWithoutUsableKeysKeepsTheLastSet(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "k1")
	logs := &logRecorder{}
	s := newKeySet(t, p, jwks.Config{RefreshEvery: 5 * time.Millisecond, MinRefreshGap: time.Hour, Logger: slog.New(logs)})
	p.setBody([]byte(`{"keys":[]}`))
	eventually(t, "the refusal to be logged", func() bool {
		return logged(logs, "fetching the JWKS failed; keeping the last key set", "no usable RS256 key")
	})
	if key, err := keyOf(t.Context(), s, "k1"); err != nil || !key.Equal(testKey()) {
		t.Fatalf("key k1 after an empty set = %v, %v; want the last good key", key, err)
	}
}
