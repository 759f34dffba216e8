package brokertest

import (
	"github.com/ThreeDotsLabs/watermill/message"
)

// assertExactlyOnce reports the messages of want that got misses or holds more than once, and
// the messages of got that are not in want.
func (e *env) assertExactlyOnce(what string, got, want []*message.Message) {
	e.t.Helper()
	count := make(map[string]int, len(got))
	for _, m := range got {
		count[m.UUID]++
	}
	wanted := make(map[string]bool, len(want))
	missing, twice := 0, 0
	for _, m := range want {
		wanted[m.UUID] = true
		switch count[m.UUID] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	unexpected := 0
	for id := range count {
		if !wanted[id] {
			unexpected++
		}
	}
	if missing+twice+unexpected > 0 {
		e.t.Errorf("%s: of %d messages %d are missing and %d came more than once; %d others came that should not",
			what, len(want), missing, twice, unexpected)
	}
}

// assertKeyOrder reports a user whose messages got does not hold in publish order, when the
// broker promises that order.
func (e *env) assertKeyOrder(what string, got []*message.Message) {
	e.t.Helper()
	if !e.f.KeyOrder {
		e.t.Logf("%s: order not checked, the broker does not keep it (Features.KeyOrder)", what)
		return
	}
	last := map[string]int{}
	for _, m := range got {
		p, err := decode(m)
		if err != nil {
			e.t.Errorf("%s: %v", what, err)
			return
		}
		if prev, ok := last[p.User]; ok && p.Seq <= prev {
			e.t.Errorf("%s: %s's event %d came after its event %d", what, p.User, p.Seq, prev)
			return
		}
		last[p.User] = p.Seq
	}
}

// assertAtLeastOnce reports the messages of want that got misses or holds more than once, and
// the messages of got that are neither in want nor in mayRepeat: messages acknowledged before a
// member stopped may come again to the next one (the Kafka subscriber commits what was
// acknowledged every second), which is at least once, not a fault.
func (e *env) assertAtLeastOnce(what string, got, want, mayRepeat []*message.Message) {
	e.t.Helper()
	repeatable := make(map[string]bool, len(mayRepeat))
	for _, m := range mayRepeat {
		repeatable[m.UUID] = true
	}
	var rest []*message.Message
	repeated := 0
	for _, m := range got {
		if repeatable[m.UUID] {
			repeated++
			continue
		}
		rest = append(rest, m)
	}
	if repeated > 0 {
		e.t.Logf("%s: %d acknowledged messages came again (at least once)", what, repeated)
	}
	e.assertExactlyOnce(what, rest, want)
}
