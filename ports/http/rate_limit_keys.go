package httpport

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// keyedLimiters holds one token bucket (golang.org/x/time/rate) per key, a user id or a client
// address, in bounded memory. Keys are whatever callers send, so an attacker rotating addresses
// or users must not grow the set without limit: it keeps at most max keys, forgetting the least
// recently used one to make room, and forgets idle keys as it goes. A key is idle once its bucket
// is full again; forgetting it loses nothing, since a new bucket starts full. Forgetting an
// active key early (only when more than max keys are active at once) hands it a full bucket:
// the limit loosens for it, memory stays bounded.
//
// keyedLimiters is safe for concurrent use.
type keyedLimiters struct {
	limit rate.Limit
	burst int
	max   int
	// onSize is told the number of keys after each change, for the gauge in /metrics.
	onSize func(int)

	mu    sync.Mutex
	keys  map[string]*list.Element // of *keyedLimiter
	order *list.List               // most recently used first
}

type keyedLimiter struct {
	key string
	lim *rate.Limiter
}

// idleSweep bounds how many idle keys one get forgets, so no request pays for a long sweep;
// each key is inserted once and forgotten once, so the sweep keeps up with the inserts.
const idleSweep = 8

func newKeyedLimiters(l RateLimit, maxKeys int, onSize func(int)) *keyedLimiters {
	return &keyedLimiters{
		limit: rate.Limit(l.RPS), burst: l.Burst, max: maxKeys, onSize: onSize,
		keys: make(map[string]*list.Element), order: list.New(),
	}
}

// get returns the bucket of key, made full when key is new, and marks key as just used.
func (k *keyedLimiters) get(key string, now time.Time) *rate.Limiter {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.keys[key]; ok {
		k.order.MoveToFront(e)
		return e.Value.(*keyedLimiter).lim
	}
	k.forgetIdle(now)
	if len(k.keys) >= k.max {
		k.forget(k.order.Back())
	}
	kl := &keyedLimiter{key: key, lim: rate.NewLimiter(k.limit, k.burst)}
	k.keys[key] = k.order.PushFront(kl)
	k.onSize(len(k.keys))
	return kl.lim
}

// forgetIdle forgets up to idleSweep least recently used keys whose buckets are full.
func (k *keyedLimiters) forgetIdle(now time.Time) {
	for range idleSweep {
		e := k.order.Back()
		if e == nil || e.Value.(*keyedLimiter).lim.TokensAt(now) < float64(k.burst) {
			return
		}
		k.forget(e)
	}
}

func (k *keyedLimiters) forget(e *list.Element) {
	delete(k.keys, k.order.Remove(e).(*keyedLimiter).key)
	k.onSize(len(k.keys))
}

// size is the number of keys held.
func (k *keyedLimiters) size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}
