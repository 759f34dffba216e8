package main

import (
	"fmt"
	"io"
	"time"
)

// Targets of the relay issue.
const (
	targetRelayRate  = 10_000 // events per second from the outbox to Kafka
	targetRelayRatio = 5      // times the stock Forwarder
	targetRelayP99   = 200 * time.Millisecond
)

func (r *relayResult) rows(tw io.Writer) []verdict {
	rl, st := r.Relay, r.Stock
	ratio := rl.Rate() / st.Rate()
	fmt.Fprintf(tw, "relay, %s events in the outbox\t\t\t\t\n", num(float64(rl.N)))
	fmt.Fprintf(tw, "  first row forwarded to the last\t%s events/s (%.2f s)\tstock Forwarder %s events/s (%s in %.2f s)\t%.2f\t\n",
		num(rl.Rate()), rl.Elapsed.Seconds(), num(st.Rate()), num(float64(st.Forwarded)), st.Elapsed.Seconds(), ratio)
	fmt.Fprintf(tw, "  relay start to empty outbox\t%s events/s (%.2f s)\t\t\t\n", num(rl.RateWithStartup()), rl.WithStartup.Seconds())
	fmt.Fprintf(tw, "  records in Kafka (poison)\t%s of %s (%d)\t%s of %s published (%d)\t\t\n",
		num(float64(rl.InKafka)), num(float64(rl.N)), rl.Poison, num(float64(st.InKafka)), num(float64(st.Published)), st.Poison)
	fmt.Fprintf(tw, "  relay rounds (its /metrics)\t%s\t\t\t\n", rl.Rounds)
	l, sl := r.Latency, r.StockLatency
	fmt.Fprintf(tw, "relay latency, %s changes/s (%s events/s), %s after %s warm-up\t\t\t\t\n",
		num(float64(l.Rate)), num(float64(2*l.Rate)), l.Window, l.Warmup)
	fmt.Fprintf(tw, "  commit to Kafka p50 / p99 / max\t%s\tstock Forwarder %s\t\t\n", latencyText(l), latencyText(sl))
	fmt.Fprintf(tw, "  events received / committed\t%s / %s\t%s / %s\t\t\n",
		num(float64(l.Received)), num(float64(l.Committed)), num(float64(sl.Received)), num(float64(sl.Committed)))
	fmt.Fprintf(tw, "  changes committed/s; backlog growth, peak\t%s/s; %+.0f events/s, %s\t%s/s; %+.0f events/s, %s\t\t\n",
		num(l.CommitRate), l.Growth, num(float64(l.MaxBacklog)), num(sl.CommitRate), sl.Growth, num(float64(sl.MaxBacklog)))
	fmt.Fprintf(tw, "  writers' TaskStore.Change p50 / p99\t%s / %s\t%s / %s\t\t\n",
		ms(percentile(l.Commit, 50)), ms(percentile(l.Commit, 99)), ms(percentile(sl.Commit, 50)), ms(percentile(sl.Commit, 99)))
	fmt.Fprintf(tw, "  relay rounds (its /metrics)\t%s\t\t\t\n", l.Rounds)
	fmt.Fprintf(tw, "  oldest writing transaction on the server\t%s\t%s\t\t\n", l.Horizon, sl.Horizon)
	return []verdict{
		{rl.Valid() && rl.Rate() >= targetRelayRate,
			fmt.Sprintf("relay >= %s events/s: %s/s%s", num(targetRelayRate), num(rl.Rate()), validity(rl))},
		{rl.Valid() && st.Valid() && ratio >= targetRelayRatio,
			fmt.Sprintf("relay >= %d x stock Forwarder: %.2f x (%s vs %s events/s)%s", targetRelayRatio, ratio, num(rl.Rate()), num(st.Rate()), validity(st))},
		{l.KeptUp() && l.Missing == 0 && l.Percentile(99) < targetRelayP99,
			fmt.Sprintf("relay p99 commit to Kafka < %s at %s changes/s: %s, %s of %s events arrived; stock Forwarder: %s",
				ms(targetRelayP99), num(float64(l.Rate)), ms(l.Percentile(99)), num(float64(l.Received)), num(float64(l.Committed)), latencyText(sl))},
	}
}

// latencyText is "p50 / p99 / max", or why there is no meaningful percentile.
func latencyText(l latencyResult) string {
	if !l.KeptUp() {
		return fmt.Sprintf("cannot keep up: backlog %+.0f events/s, peak %s, %s of %s arrived",
			l.Growth, num(float64(l.MaxBacklog)), num(float64(l.Received)), num(float64(l.Committed)))
	}
	return fmt.Sprintf("%s / %s / %s", ms(l.Percentile(50)), ms(l.Percentile(99)), ms(l.Percentile(100)))
}

// validity says why a throughput figure does not count, if it does not.
func validity(d drain) string {
	if d.Valid() {
		return ""
	}
	want := int64(d.N)
	if d.Published > 0 {
		want = d.Published
	}
	return fmt.Sprintf(" INVALID: Kafka holds %d records for %d events, %d in poison", d.InKafka, want, d.Poison)
}
