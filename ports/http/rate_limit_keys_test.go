package httpport

import (
	"fmt"
	"testing"
	"time"
)

func TestKeyedLimitersForgetIdleKeys(t *testing.T) {
	t.Parallel()
	k := newKeyedLimiters(RateLimit{RPS: 10, Burst: 1}, 1000, func(int) {})
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 100 {
		k.get(fmt.Sprint("old-", i), t0).AllowN(t0, 1)
	}
	// A tenth of a second refills a bucket of one at 10/s: every old key is idle by then.
	t1 := t0.Add(time.Second)
	for i := range 20 {
		k.get(fmt.Sprint("new-", i), t1).AllowN(t1, 1)
	}
	if got := k.size(); got != 20 {
		t.Errorf("keys held = %d, want the 20 in use: idle ones are forgotten as new ones come", got)
	}
}

func TestKeyedLimitersKeepTheMostRecentlyUsedWithinTheBound(t *testing.T) {
	t.Parallel()
	k := newKeyedLimiters(RateLimit{RPS: 0.001, Burst: 1}, 10, func(int) {})
	now := time.Unix(1_700_000_000, 0)
	if !k.get("victim", now).AllowN(now, 1) {
		t.Fatal("a new key's bucket is not full")
	}
	for i := range 1000 {
		k.get("victim", now) // in use all along
		k.get(fmt.Sprint("rotating-", i), now).AllowN(now, 1)
	}
	if got := k.size(); got != 10 {
		t.Errorf("keys held = %d, want the bound 10", got)
	}
	if k.get("victim", now).AllowN(now, 1) {
		t.Error("the key in use was forgotten (its bucket is full again): rotating keys evicted it")
	}
}

func TestClientKeyIsTheConnectionsAddress(t *testing.T) {
	t.Parallel()
	for remote, want := range map[string]string{
		"192.0.2.1:1234":              "192.0.2.1",
		"[::ffff:192.0.2.1]:1234":     "192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:443":  "2001:db8:1:2::/64",
		"[2001:db8:1:2::9%eth0]:443":  "2001:db8:1:2::/64",
		"[::1]:8080":                  "::/64",
		"not an address":              "not an address",
		"[2001:db8:1:3:ffff::1]:1234": "2001:db8:1:3::/64",
	} {
		if got := clientKey(remote); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", remote, got, want)
		}
	}
}
