package httpport

import (
	"context"
	"errors"
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
	now = now.Add(2 * time.Minute) // past the token's exp: the entry is not used
	_, _ = c.Authenticate(context.Background(), token)
	if n := next.calls.Load(); n != 3 {
		t.Errorf("after exp: verified %d times, want 3", n)
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
