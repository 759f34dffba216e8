package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// roundStats is what the relay's /metrics says of its rounds that forwarded rows
// (taskstream_outbox_round_duration_seconds): where a slow figure's time went.
type roundStats struct {
	Count    int
	Sum      time.Duration
	Over100s int // rounds longer than 100 ms
}

func (r roundStats) Mean() time.Duration {
	if r.Count == 0 {
		return 0
	}
	return r.Sum / time.Duration(r.Count)
}

func (r roundStats) String() string {
	if r.Count == 0 {
		return "no /metrics"
	}
	return fmt.Sprintf("%d rounds, mean %s, %d over 100 ms", r.Count, ms(r.Mean()), r.Over100s)
}

// scrapeRounds reads the round histogram from the /metrics at url.
func scrapeRounds(ctx context.Context, url string) (roundStats, error) {
	var r roundStats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return r, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return r, err
	}
	defer func() { _ = resp.Body.Close() }()
	const name = "taskstream_outbox_round_duration_seconds"
	within100 := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), " ")
		v, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil {
			continue
		}
		switch key {
		case name + "_count":
			r.Count = int(v)
		case name + "_sum":
			r.Sum = time.Duration(v * float64(time.Second))
		case name + `_bucket{le="0.1"}`:
			within100 = int(v)
		}
	}
	r.Over100s = r.Count - within100
	return r, sc.Err()
}
