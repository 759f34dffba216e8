package component_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/goccy/go-yaml"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// Prometheus makes these series itself for every target: a rule may name them though no
// /metrics has them.
var prometheusSeries = []string{"up", "scrape_duration_seconds", "scrape_samples_scraped"}

// Every metric the Grafana dashboard and the Prometheus rules query is one the binary exports,
// as a live /metrics shows it after the API, the outbox relay and the consumers have worked,
// and the README's metrics table lists every metric that /metrics shows.
func TestDashboardRulesAndREADMENameTheExportedMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	proxy := pgtest.NewProxy(t, pgtest.URL(t))
	addr := proc.FreeAddr(t)
	base := "http://" + addr
	// PostgreSQL with the in-process broker: the outbox and its relay run, so its metrics are
	// registered, and no topic of Kafka is needed.
	p := start(t, map[string]string{
		"DATABASE_URL": proxy.URL(), "BROKER": "gochannel", "MIGRATE_ON_START": "true",
		"AUTH_JWT_SECRET": secret, "HTTP_ADDR": addr, "TODO_BATCH_LINGER": "20ms",
	}, "all")
	p.WaitReady(t, base)
	exerciseEveryMetric(t, base, proxy)
	exported := exportedNames(t, base)
	for name, family := range consumerLagNames(t, proxy.URL()) {
		exported[name] = family
	}

	records := recordedNames(t)
	for source, exprs := range queries(t) {
		for _, expr := range exprs {
			for _, name := range metricNames(expr) {
				if _, ok := exported[name]; !ok && !slices.Contains(records, name) && !slices.Contains(prometheusSeries, name) {
					t.Errorf("%s queries %s, which the binary does not export: %s", source, name, expr)
				}
			}
		}
	}
	table := readmeMetricsTable(t)
	for name, family := range exported {
		if family && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") && !table[name] {
			t.Errorf("README's metrics table does not list %s", name)
		}
	}
}

// consumerLagNames returns what a worker on the PostgreSQL broker exports besides: the
// consumer lag, which the in-process broker above cannot show (it keeps no positions).
func consumerLagNames(t *testing.T, dbURL string) map[string]bool {
	t.Helper()
	addr := proc.FreeAddr(t)
	w := start(t, map[string]string{
		"DATABASE_URL": dbURL, "BROKER": "postgres", "AUTH_JWT_SECRET": secret, "HTTP_ADDR": addr,
	}, "worker")
	w.WaitReady(t, "http://"+addr)
	var names map[string]bool
	eventually(t, 30*time.Second, func() error {
		names = exportedNames(t, "http://"+addr)
		if !names["taskstream_consumer_lag_seconds"] || !names["taskstream_consumer_lag_records"] {
			return fmt.Errorf("the worker on BROKER=postgres does not export the consumer lag yet")
		}
		return nil
	})
	return names
}

// exerciseEveryMetric makes the binary record each metric once: requests, a task's changes
// through the outbox and the relay to the consumers, a to-do through the ingest batch, a
// WebSocket opened and closed, and a consumer batch that fails (its connection dropped) and is
// retried.
func exerciseEveryMetric(t *testing.T, base string, proxy *pgtest.Proxy) {
	t.Helper()
	alice := newClient(t, base, "alice-"+randomSuffix(t))
	live := dialLive(t, "alice", alice, authHeader)
	warmUp(t, alice, live)
	run := lifecycle(t, alice)
	eventually(t, 30*time.Second, func() error { return run.checkHistory(alice) })
	_ = live.conn.Close(websocket.StatusNormalClosure, "done")
	// The ingest batch's COPY, as pgx v5 sends it: dropping its connection fails the batch once.
	proxy.DropBefore(`copy "todos" ( "id", "user_id", "title", "description", "completed", "created_at", "updated_at" ) from stdin binary;`)
	loc := alice.expect(http.MethodPost, "/v1/todos", `{"title":"Buy milk"}`, http.StatusAccepted).header.Get("Location")
	eventually(t, 30*time.Second, func() error {
		if r := alice.do(http.MethodGet, loc, ""); r.status != http.StatusOK {
			return fmt.Errorf("GET %s: %d %s", loc, r.status, r.raw)
		}
		return nil
	})
	eventually(t, 30*time.Second, func() error {
		names := exportedNames(t, base)
		for _, want := range []string{"websocket_disconnects_total", "taskstream_message_batch_failures_total"} {
			if !names[want] {
				return fmt.Errorf("%s not exported yet", want)
			}
		}
		return nil
	})
}

// exportedNames reads base's /metrics: each family's name maps to true, and the series names a
// query selects of a histogram (_bucket, _sum, _count) or a summary (_sum, _count) to false.
func exportedNames(t *testing.T, base string) map[string]bool {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	names := map[string]bool{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "#" || f[1] != "TYPE" {
			continue
		}
		names[f[2]] = true
		suffixes := map[string][]string{"histogram": {"_bucket", "_sum", "_count"}, "summary": {"_sum", "_count"}}[f[3]]
		for _, s := range suffixes {
			names[f[2]+s] = false
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// queries returns every PromQL expression of the dashboards and the rule files, by file.
func queries(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	dashboards, _ := filepath.Glob(repoPath(t, "deploy/grafana/dashboards/*.json"))
	rules, _ := filepath.Glob(repoPath(t, "deploy/prometheus/rules/*.yml"))
	if len(dashboards) == 0 || len(rules) == 0 {
		t.Fatalf("no dashboard (%v) or no rule file (%v) found", dashboards, rules)
	}
	for _, f := range dashboards {
		var d struct {
			Panels []struct {
				Targets []struct{ Expr string } `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(readFile(t, f), &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				out[filepath.Base(f)] = append(out[filepath.Base(f)], tg.Expr)
			}
		}
	}
	for _, f := range rules {
		for _, r := range readRules(t, f) {
			out[filepath.Base(f)] = append(out[filepath.Base(f)], r.Expr)
		}
	}
	for f, exprs := range out {
		if len(exprs) == 0 {
			t.Errorf("%s has no query", f)
		}
	}
	return out
}

// rule is a recording or alerting rule of a Prometheus rule file.
type rule struct {
	Record string `yaml:"record"`
	Expr   string `yaml:"expr"`
}

func readRules(t *testing.T, path string) []rule {
	t.Helper()
	var f struct {
		Groups []struct {
			Rules []rule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(readFile(t, path), &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rules []rule
	for _, g := range f.Groups {
		rules = append(rules, g.Rules...)
	}
	return rules
}

// recordedNames returns the names the rule files record, which the other rules may query.
func recordedNames(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(repoPath(t, "deploy/prometheus/rules/*.yml"))
	var names []string
	for _, f := range files {
		for _, r := range readRules(t, f) {
			if r.Record != "" {
				names = append(names, r.Record)
			}
		}
	}
	return names
}

var readmeMetricRow = regexp.MustCompile("^\\| `([a-z_:]+)` \\|")

// readmeMetricsTable returns the metric names in the first column of the README's metrics table.
func readmeMetricsTable(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, line := range strings.Split(string(readFile(t, repoPath(t, "README.md"))), "\n") {
		if m := readmeMetricRow.FindStringSubmatch(line); m != nil {
			names[m[1]] = true
		}
	}
	return names
}

func repoPath(t *testing.T, rel string) string {
	t.Helper()
	return filepath.Join("..", "..", filepath.FromSlash(rel))
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
