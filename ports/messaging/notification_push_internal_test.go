package messaging

import (
	"strconv"
	"testing"
)

// The set of pushed ids remembers the last recentPushes and forgets the oldest first.
func TestRecentIDsForgetsTheOldest(t *testing.T) {
	t.Parallel()
	var r recentIDs
	if !r.add("a") || r.add("a") {
		t.Fatal("add should report a new id once")
	}
	for i := range recentPushes - 1 {
		r.add(strconv.Itoa(i))
	}
	if r.add("a") {
		t.Error("forgot a before the set was full")
	}
	r.add("one more")
	if !r.add("a") {
		t.Error("still remembers the oldest id after the set overflowed")
	}
}
