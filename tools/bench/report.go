package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of issue 2, "What it must reach".
const (
	targetIngestRate  = 50_000 // to-dos per second
	targetIngestRatio = 0.5    // of the COPY rate
	targetAcceptRatio = 0.5    // of the produce-loop rate
	// Issue 4: the p99 from submit to scored at a steady 500 submissions per second.
	targetScoringP99 = 500 * time.Millisecond
)

// report is every figure of the run.
type report struct {
	ingest  *ingestResult
	accept  *acceptResult
	relay   *relayResult
	scoring *scoringResult
}

type verdict struct {
	pass bool
	text string
}

func (r report) print(w io.Writer, took time.Duration) {
	fmt.Fprintf(w, "\nTaskstream bench: %d CPUs shared with Kafka and PostgreSQL; every baseline measured in this run (%s)\n\n",
		runtime.NumCPU(), took.Round(time.Second))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tTaskstream\tbaseline\tratio\t")
	fmt.Fprintln(tw, "------\t----------\t--------\t-----\t")
	var verdicts []verdict
	if in := r.ingest; in != nil {
		verdicts = append(verdicts, in.rows(tw)...)
	}
	if ac := r.accept; ac != nil {
		verdicts = append(verdicts, ac.rows(tw)...)
		if ac.Tracing != nil {
			verdicts = append(verdicts, ac.tracingRows(tw)...)
		}
	}
	if rl := r.relay; rl != nil {
		verdicts = append(verdicts, rl.rows(tw)...)
		if rl.Tracing != nil {
			verdicts = append(verdicts, rl.tracingRows(tw)...)
		}
	}
	if sc := r.scoring; sc != nil {
		verdicts = append(verdicts, sc.rows(tw)...)
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nCPU seconds spent in each window, per process group (at most %d per second of window):\n", runtime.NumCPU())
	if in := r.ingest; in != nil {
		m := in.Median()
		fmt.Fprintf(w, "  ingest, median run, worker start to last row (%s): %s\n", m.Wall.Round(10*time.Millisecond), cpuLine(m.CPU, in.WorkerCPU, "worker"))
	}
	if ac := r.accept; ac != nil {
		fmt.Fprintf(w, "  accept, API (%s): %s\n", ac.API.Window, cpuLine(ac.API.CPU, ac.API.CPUGroup, "api"))
		fmt.Fprintf(w, "  accept, produce loop (%s): %s\n", ac.Produce.Window, cpuLine(ac.Produce.CPU, ac.Produce.CPUGroup, "produce loop"))
		fmt.Fprintf(w, "  accept, minimal server (%s): %s\n", ac.Minimal.Window, cpuLine(ac.Minimal.CPU, ac.Minimal.CPUGroup, "minimal server"))
		if t := ac.Tracing; t != nil {
			fmt.Fprintf(w, "  accept, API with tracing on (%s): %s\n", t.On.Window, cpuLine(t.On.CPU, t.On.CPUGroup, "api"))
			fmt.Fprintf(w, "  accept, API with tracing off again (%s): %s\n", t.Off2.Window, cpuLine(t.Off2.CPU, t.Off2.CPUGroup, "api"))
		}
	}
	if rl := r.relay; rl != nil {
		fmt.Fprintf(w, "  relay, first row forwarded to the last (%s): %s\n", rl.Relay.Elapsed.Round(10*time.Millisecond), cpuLine(rl.Relay.CPU, rl.Relay.CPUGroup, "relay"))
		fmt.Fprintf(w, "  relay baseline, stock Forwarder (%s): %s\n", rl.Stock.Elapsed.Round(10*time.Millisecond), cpuLine(rl.Stock.CPU, rl.Stock.CPUGroup, "stock Forwarder"))
	}
	if sc := r.scoring; sc != nil {
		fmt.Fprintf(w, "  scoring, first submit to last scored (%s): %s\n", sc.Elapsed.Round(10*time.Millisecond), cpuLine(sc.CPU, "taskstream", "relay+worker+api"))
	}
	fmt.Fprintln(w)
	for _, v := range verdicts {
		word := "FAIL"
		if v.pass {
			word = "PASS"
		}
		fmt.Fprintf(w, "%s  %s\n", word, v.text)
	}
}

func (in *ingestResult) rows(tw io.Writer) []verdict {
	ratio := in.Rate() / in.CopyRate()
	elapsed, startup := make([]time.Duration, len(in.Runs)), make([]time.Duration, len(in.Runs))
	for i, r := range in.Runs {
		elapsed[i], startup[i] = r.Elapsed, r.WithStartup
	}
	fmt.Fprintf(tw, "ingest %s to-dos, median of %d runs\t\t\t\t\n", num(float64(in.N)), len(in.Runs))
	fmt.Fprintf(tw, "  first row seen to last\t%s/s (%s)\tCOPY %s rows/s (%s)\t%.2f\t\n",
		num(in.Rate()), spread(elapsed), num(in.CopyRate()), spread(in.Copies), ratio)
	fmt.Fprintf(tw, "  worker start to last row\t%s/s (%s)\t\t%.2f\t\n",
		num(in.RateWithStartup()), spread(startup), in.RateWithStartup()/in.CopyRate())
	return []verdict{
		{in.Rate() >= targetIngestRate, fmt.Sprintf("ingest >= %s to-dos/s: %s/s", num(targetIngestRate), num(in.Rate()))},
		{ratio >= targetIngestRatio, fmt.Sprintf("ingest >= %.1f x COPY: %.2f x (%s vs %s rows/s)", targetIngestRatio, ratio, num(in.Rate()), num(in.CopyRate()))},
	}
}

func (ac *acceptResult) rows(tw io.Writer) []verdict {
	a, p := ac.API, ac.Produce
	ratio := a.Rate() / p.Rate()
	fmt.Fprintf(tw, "accept, %d clients, POST /v1/todos\t%s 202/s\tproduce loop %s/s\t%.2f\t\n", ac.Clients, num(a.Rate()), num(p.Rate()), ratio)
	fmt.Fprintf(tw, "  latency p50 / p99\t%s / %s\t%s / %s\t\t\n", ms(a.Percentile(50)), ms(a.Percentile(99)), ms(p.Percentile(50)), ms(p.Percentile(99)))
	fmt.Fprintf(tw, "  errors (whole run)\t%d\t%d\t\t\n", a.Errors, p.Errors)
	fmt.Fprintf(tw, "  records in the API's topic\t%s for %s 202s\t\t\t\n", num(float64(ac.Stored)), num(float64(a.AllOK)))
	m := ac.Minimal
	fmt.Fprintf(tw, "  reference: minimal net/http + produce\t\t%s/s, p99 %s, %d errors\t%.2f\t\n", num(m.Rate()), ms(m.Percentile(99)), m.Errors, a.Rate()/m.Rate())
	for _, s := range a.Samples {
		fmt.Fprintf(tw, "  API error\t%s\t\t\t\n", s)
	}
	for _, s := range m.Samples {
		fmt.Fprintf(tw, "  minimal server error\t\t%s\t\t\n", s)
	}
	for _, s := range p.Samples {
		fmt.Fprintf(tw, "  produce error\t\t%s\t\t\n", s)
	}
	return []verdict{{
		ratio >= targetAcceptRatio && a.Errors == 0 && ac.Stored >= int64(a.AllOK),
		fmt.Sprintf("accept >= %.1f x produce loop: %.2f x (%s vs %s/s), API p99 %s, %d errors; the minimal server reached %.2f x",
			targetAcceptRatio, ratio, num(a.Rate()), num(p.Rate()), ms(a.Percentile(99)), a.Errors, m.Rate()/p.Rate()),
	}}
}

// cpuLine lists the CPU seconds per group, the one under test named as label.
func cpuLine(c cpuTimes, testGroup, label string) string {
	keys := make([]string, 0, len(c))
	total := 0.0
	for k, v := range c {
		keys = append(keys, k)
		total += v
	}
	slices.SortFunc(keys, func(a, b string) int { return int(1000 * (c[b] - c[a])) })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if k == testGroup {
			name = label
			if k == "bench" {
				name += " (in the bench process, with the load)"
			}
		}
		parts = append(parts, fmt.Sprintf("%s %.1f", name, c[k]))
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (total %.1f)", total)
}

// num formats a number with thousands separators and no decimals.
func num(f float64) string {
	s := fmt.Sprintf("%.0f", f)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// spread shows the durations of the runs, the median first: "2.72 s; 2.51-3.10".
func spread(d []time.Duration) string {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 1 {
		return fmt.Sprintf("%.2f s", s[0].Seconds())
	}
	return fmt.Sprintf("%.2f s; runs %.2f-%.2f", median(s).Seconds(), s[0].Seconds(), s[len(s)-1].Seconds())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func (sc *scoringResult) rows(tw io.Writer) []verdict {
	fmt.Fprintf(tw, "scoring %s submissions end to end (POST to result stored, %d calculator workers)\t%s/s\t\t\t\n",
		num(float64(sc.N)), sc.Workers, num(sc.ScoredPerSecond()))
	fmt.Fprintf(tw, "  accepted (202) while submitting\t%s/s\t\t\t\n", num(sc.AcceptRate))
	p99 := percentile(sc.Latency, 99)
	fmt.Fprintf(tw, "scoring latency at %d/s, %d submissions: p50 / p99 / max\t%s / %s / %s\t\t\t\n", sc.Rate, sc.Sent,
		ms(percentile(sc.Latency, 50)), ms(p99), ms(percentile(sc.Latency, 100)))
	return []verdict{{pass: p99 < targetScoringP99 && len(sc.Latency) == sc.Sent,
		text: fmt.Sprintf("submit-to-scored p99 %s at %d/s (target < %s, every submission scored: %d of %d)", ms(p99), sc.Rate, ms(targetScoringP99), len(sc.Latency), sc.Sent)}}
}
