package outbox

import "time"

// observeLatency tells ObserveLatency how long each of a round's rows, written at created,
// took to reach the broker: the commit-to-publish stage of an event's way.
func (r *Relay) observeLatency(created []time.Time) {
	if r.cfg.ObserveLatency == nil {
		return
	}
	now := time.Now()
	for _, at := range created {
		r.cfg.ObserveLatency(now.Sub(at))
	}
}
