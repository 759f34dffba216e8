// Command bench measures what issue 2 and the outbox relay issue ask Taskstream to reach, against
// baselines measured in the same run on the same machine, and prints a table of figures with PASS
// or FAIL per target:
//
//   - ingest: the worker (`taskstream worker`) storing N pre-published to-do create events,
//     against a plain COPY of the same rows; -runs of each, alternated, and the medians;
//   - accept: `POST /v1/todos` (`taskstream api`) at C concurrent clients, against a plain
//     produce loop on the same Kafka client settings;
//   - relay: `taskstream relay` (default settings) emptying an outbox pre-filled with N task
//     events, written as the task store writes them, from the first forwarded row to the last
//     (Kafka must then hold all N), against Watermill's stock Forwarder (watermill-sql
//     subscriber, watermill-kafka publisher, default settings, in the bench) on an outbox of its
//     own for at most -relay-stock-time; then the time from commit to Kafka of every event at a
//     steady -relay-rate changes per second (a transaction each, two events), for both;
//   - scoring: relay, worker and API on PostgreSQL and Kafka; -scoring-n test submissions over
//     HTTP as fast as -clients clients go, from the first POST to the last result stored by the
//     result calculator; then the time from submit to scored at a steady -scoring-rate.
//
// With -tracing (the default) the accept and relay-latency figures are measured again with
// tracing on at full sampling into the local Jaeger, then off once more for the run's noise
// (tracing.go, accept_tracing.go, relay_tracing.go).
//
// It also prints the CPU seconds the process under test, PostgreSQL, Kafka and the bench spent
// in each window: the two cores are shared, so that is where the time goes. -profile runs the
// worker, the API and the relay inside the bench (same wiring as the binary) under a CPU
// profile; -binary compares another build; -keep keeps the logs and, for the relay latency, a
// CSV of every change's times.
//
// It needs PostgreSQL and Kafka (`make services`) and builds the binary itself. Run it from the
// module with `go run ./tools/bench` (`make bench`); `-h` lists the flags. The exit code is 0
// whether targets pass or fail: the figures are the product. It is 1 only when something broke.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// options are the command's flags.
type options struct {
	N             int
	Runs          int
	Users         int
	Partitions    int
	IngestTimeout time.Duration
	Clients       int
	Warmup        time.Duration
	Duration      time.Duration
	// The relay figures (relay.go).
	RelayN         int
	RelayStockN    int
	RelayStockTime time.Duration
	RelayRate      int
	RelayWarmup    time.Duration
	RelayDuration  time.Duration
	RelayTimeout   time.Duration
	// The test-results figures (scoring.go).
	ScoringN        int
	ScoringRate     int
	ScoringDuration time.Duration
	ScoringWorkers  int
	DatabaseURL     string
	Brokers         []string
	ProfileDir      string
	Only            string
	LogLevel        string
	Keep            bool
	Binary          string
	// Tracing measures accept and relay latency again with tracing on (tracing.go).
	Tracing bool
	// ServeMinimal and MinimalTopic run the bench as the accept figure's minimal server
	// (minimal.go) instead of measuring: the bench starts itself that way.
	ServeMinimal string
	MinimalTopic string
}

func parseFlags() options {
	var o options
	var brokers string
	flag.IntVar(&o.N, "n", 200_000, "ingest: number of to-do create events")
	flag.IntVar(&o.Users, "users", 10_000, "ingest: number of distinct user ids")
	flag.IntVar(&o.Runs, "runs", 3, "ingest: worker runs and COPY runs, alternated; the medians are reported")
	flag.IntVar(&o.Partitions, "partitions", 4, "partitions of each fresh topic (the broker's default here)")
	flag.DurationVar(&o.IngestTimeout, "ingest-timeout", 2*time.Minute, "ingest: give up when the worker has not stored every row by then")
	flag.IntVar(&o.Clients, "clients", 64, "accept: concurrent HTTP clients (and producer goroutines)")
	flag.DurationVar(&o.Warmup, "warmup", 2*time.Second, "accept: warm-up before each measurement")
	flag.DurationVar(&o.Duration, "duration", 15*time.Second, "accept: length of each measurement")
	flag.IntVar(&o.RelayN, "relay-n", 200_000, "relay: events pre-filled in the outbox (two per change) for the throughput")
	flag.IntVar(&o.RelayStockN, "relay-stock-n", 60_000, "relay: events pre-filled for the stock Forwarder, which is timed until it forwarded them or for -relay-stock-time")
	flag.DurationVar(&o.RelayStockTime, "relay-stock-time", 20*time.Second, "relay: the longest the stock Forwarder's throughput is timed")
	flag.IntVar(&o.RelayRate, "relay-rate", 1000, "relay latency: changes committed per second (two events each)")
	flag.DurationVar(&o.RelayWarmup, "relay-warmup", 3*time.Second, "relay latency: warm-up before the measurement")
	flag.DurationVar(&o.RelayDuration, "relay-duration", 20*time.Second, "relay latency: length of the measurement")
	flag.DurationVar(&o.RelayTimeout, "relay-timeout", 2*time.Minute, "relay: give up when the relay has not emptied the outbox by then")
	flag.IntVar(&o.ScoringN, "scoring-n", 20_000, "scoring: answer sheets submitted as fast as the clients go, timed to the last one scored")
	flag.IntVar(&o.ScoringRate, "scoring-rate", 500, "scoring latency: submissions per second")
	flag.DurationVar(&o.ScoringDuration, "scoring-duration", 20*time.Second, "scoring latency: length of the steady phase")
	flag.IntVar(&o.ScoringWorkers, "scoring-workers", 4, "scoring: RESULT_CALCULATOR_WORKERS of the worker")
	flag.StringVar(&o.DatabaseURL, "database-url", envOr("DATABASE_URL", "postgres://taskstream:taskstream@127.0.0.1:5432/taskstream?sslmode=disable"), "PostgreSQL server (its role needs CREATEDB)")
	flag.StringVar(&brokers, "brokers", envOr("KAFKA_BROKERS", "127.0.0.1:9092"), "Kafka brokers, comma-separated")
	flag.StringVar(&o.ProfileDir, "profile", "", "run the worker and the API inside the bench (same wiring as the binary) and write their CPU profiles (worker.pprof, api.pprof) to this directory")
	flag.StringVar(&o.Only, "only", "", "run only one measurement: ingest, accept, relay or scoring")
	flag.StringVar(&o.LogLevel, "log-level", "info", "LOG_LEVEL of the processes under test")
	flag.StringVar(&o.Binary, "binary", "", "use this taskstream binary instead of building ./cmd/taskstream (to compare builds)")
	flag.BoolVar(&o.Tracing, "tracing", true, "accept and relay latency: measure them again with tracing on at full sampling into the local Jaeger (started if it is not running), and the API and the relay latency a second time off, for the run's noise")
	flag.BoolVar(&o.Keep, "keep", false, "keep the scratch directory with the logs of the processes under test")
	flag.StringVar(&o.ServeMinimal, "serve-minimal", "", "internal: run the accept figure's minimal HTTP server on this address")
	flag.StringVar(&o.MinimalTopic, "minimal-topic", "", "internal: the minimal server's topic")
	flag.Parse()
	o.Runs = max(o.Runs, 1)
	o.Brokers = strings.Split(brokers, ",")
	return o
}

func main() {
	os.Exit(run())
}

func run() int {
	o := parseFlags()
	if o.ServeMinimal != "" {
		if err := serveMinimal(o.ServeMinimal, o.MinimalTopic, o.Brokers); err != nil {
			return fail(err)
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dir, err := os.MkdirTemp("", "taskstream-bench-")
	if err != nil {
		return fail(err)
	}
	defer func() {
		if o.Keep {
			logf("logs kept in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	}()
	env := benchEnv{opts: o, dir: dir, bin: filepath.Join(dir, "taskstream"), secret: "bench-" + randomHex(24)}
	start := time.Now()
	if o.Binary != "" {
		env.bin = o.Binary
	} else {
		logf("building the binary (go build ./cmd/taskstream)")
		if err := buildBinary(ctx, env.bin); err != nil {
			return fail(err)
		}
	}

	rep, err := measure(ctx, env)
	if err != nil {
		return fail(err)
	}
	rep.print(os.Stdout, time.Since(start))
	return 0
}

// measure runs the measurements -only names, or all of them.
func measure(ctx context.Context, env benchEnv) (report, error) {
	var rep report
	steps := []struct {
		name string
		run  func() error
	}{
		{"ingest", func() (err error) { r, err := measureIngest(ctx, env); rep.ingest = &r; return err }},
		{"accept", func() (err error) { r, err := measureAccept(ctx, env); rep.accept = &r; return err }},
		{"relay", func() (err error) { r, err := measureRelay(ctx, env); rep.relay = &r; return err }},
		{"scoring", func() (err error) { r, err := measureScoring(ctx, env); rep.scoring = &r; return err }},
	}
	for _, s := range steps {
		if env.opts.Only != "" && env.opts.Only != s.name {
			continue
		}
		if err := s.run(); err != nil {
			return rep, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return rep, nil
}

// benchEnv is what every measurement needs.
type benchEnv struct {
	opts options
	dir  string // scratch directory: the binary and the logs of the processes under test
	bin  string
	// secret is AUTH_JWT_SECRET of the processes under test.
	secret string
	// otelService, when set, turns tracing on in the processes started (tracing.go).
	otelService string
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[bench %s] %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "bench:", err)
	return 1
}
