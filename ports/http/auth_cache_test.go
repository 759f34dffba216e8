package httpport

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// countingAuthenticator accepts every token and counts the calls.
type countingAuthenticator struct {
	calls atomic.Int64
	err   error
}

func (c *countingAuthenticator) Authenticate(context.Context, string) (shared.UserID, error) {
	c.calls.Add(1)
	return "alice", c.err
}

func TestCachingAuthenticatorVerifiesATokenOnceUntilItExpires(t *testing.T) {
	t.Parallel()
	secret := []byte("0123456789abcdef0123456789abcdef")
	token, err := IssueHS256Token(secret, "alice", 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	next := &countingAuthenticator{}
	now := time.Now()
	c := newCachingAuthenticator(next, func() time.Time { return now })
	for range 3 {
		if user, err := c.Authenticate(context.Background(), token); err != nil || user != "alice" {
			t.Fatalf("got %q, %v", user, err)
		}
	}
	if n := next.calls.Load(); n != 1 {
		t.Errorf("verified %d times, want 1", n)
	}
	now = now.Add(tokenCacheTTL + time.Second) // past the cache's bound: verify again
	_, _ = c.Authenticate(context.Background(), token)
	if n := next.calls.Load(); n != 2 {
		t.Errorf("after the cache TTL: verified %d times, want 2", n)
	}
}

// A token that expires before the cache's bound is cached only until its exp, and a token
// without exp is never cached.
func TestCachingAuthenticatorStopsAtTheTokensExp(t *testing.T) {
	t.Parallel()
	secret := []byte("0123456789abcdef0123456789abcdef")
	token, err := IssueHS256Token(secret, "alice", 30*time.Second) // exp well inside the cache TTL
	if err != nil {
		t.Fatal(err)
	}
	next := &countingAuthenticator{}
	start := time.Now()
	now := start
	c := newCachingAuthenticator(next, func() time.Time { return now })
	for _, d := range []time.Duration{0, 28 * time.Second} {
		now = start.Add(d)
		_, _ = c.Authenticate(context.Background(), token)
	}
	if n := next.calls.Load(); n != 1 {
		t.Fatalf("before exp: verified %d times, want 1", n)
	}
	now = start.Add(31 * time.Second) // past exp, still inside the cache TTL: verify again
	_, _ = c.Authenticate(context.Background(), token)
	if n := next.calls.Load(); n != 2 {
		t.Errorf("past exp: verified %d times, want 2 (the cache outlived the token)", n)
	}

	noExp := "eyJhbGciOiJIUzI1NiJ9.e30.c2ln" // payload {}: no exp claim
	other := &countingAuthenticator{}
	c = newCachingAuthenticator(other, time.Now)
	for range 2 {
		_, _ = c.Authenticate(context.Background(), noExp)
	}
	if n := other.calls.Load(); n != 2 {
		t.Errorf("a token without exp: verified %d times, want 2 (never cached)", n)
	}
}

func TestCachingAuthenticatorNeverCachesARefusal(t *testing.T) {
	t.Parallel()
	next := &countingAuthenticator{err: errors.New("bad signature")}
	c := newCachingAuthenticator(next, time.Now)
	for range 2 {
		if _, err := c.Authenticate(context.Background(), "a.b.c"); err == nil {
			t.Fatal("a refused token was accepted")
		}
	}
	if n := next.calls.Load(); n != 2 {
		t.Errorf("verified %d times, want 2", n)
	}
}

// The cache reads exp by its exact name, as the verifier does: an "Exp" after it must not keep
// a token in the cache past its real expiry.
func TestCachingAuthenticatorReadsExpExactly(t *testing.T) {
	t.Parallel()
	start := time.Now()
	payload := fmt.Sprintf(`{"sub":"alice","exp":%d,"Exp":%d}`, start.Add(30*time.Second).Unix(), start.Add(time.Hour).Unix())
	token := "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	next := &countingAuthenticator{}
	now := start
	c := newCachingAuthenticator(next, func() time.Time { return now })
	_, _ = c.Authenticate(context.Background(), token)
	now = start.Add(31 * time.Second) // past exp, inside the cache TTL and before "Exp"
	_, _ = c.Authenticate(context.Background(), token)
	if n := next.calls.Load(); n != 2 {
		t.Errorf("past exp: verified %d times, want 2 (the cache took Exp for exp)", n)
	}
}
