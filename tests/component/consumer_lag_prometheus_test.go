package component_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// -lag-screenshot FILE (`make screenshot-lag`): the test also lets the lag grow for a minute and
// saves Prometheus's own graph of it to FILE (the README's docs/img/consumer-lag.png).
var lagScreenshot = flag.String("lag-screenshot", "", "save a PNG of Prometheus's graph of the consumer lag to this file")

// The ingest consumer's COPY of a batch of to-dos, as pgx v5 sends it.
const todoCopy = `copy "todos" ( "id", "user_id", "title", "description", "completed", "created_at", "updated_at" ) from stdin binary;`

// Consumer lag as an operator sees it: in a Prometheus of the test's own (Debian's
// /usr/bin/prometheus, scraping the worker every second), not only on /metrics.
//
// The lag is exported by the worker that consumes the group (it reads the group's committed
// positions from Kafka at scrape time), so the group must fall behind while that worker runs.
// The honest way is the case the lag alert is for, a consumer held back by a failing
// dependency: the worker reaches PostgreSQL through a proxy, commits a first to-do, then the
// proxy drops the connection of the next batch's COPY. That failure is retried after
// CONSUMER_RETRY_INITIAL_INTERVAL, set to 10 minutes, so the group stays behind on that
// partition for the rest of the test while the worker goes on answering scrapes, and
// Prometheus sees the age of the unfinished to-do grow with the clock.
func TestConsumerLagGrowsInPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL, Kafka and Debian's prometheus")
	}
	promBin := "/usr/bin/prometheus"
	if _, err := os.Stat(promBin); err != nil {
		t.Fatalf("%s: %v (install Debian's prometheus package, as .ci/run does)", promBin, err)
	}
	t.Parallel()
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	api, apiBase := st.start(t, "api")
	api.WaitReady(t, apiBase)
	proxy := pgtest.NewProxy(t, st.env["DATABASE_URL"])
	worker, workerBase := st.startWith(t, "worker", map[string]string{
		"DATABASE_URL":                    proxy.URL(),
		"CONSUMER_RETRY_INITIAL_INTERVAL": "10m",
		"CONSUMER_RETRY_MAX_INTERVAL":     "10m",
	})
	worker.WaitReady(t, workerBase)

	prom, promBase := startPrometheus(t, promBin, workerBase)
	group := st.env["KAFKA_CONSUMER_GROUP_TODO"]
	lagSeconds := fmt.Sprintf(`max by (group) (taskstream_consumer_lag_seconds{group=%q})`, group)
	lagRecords := fmt.Sprintf(`sum by (group) (taskstream_consumer_lag_records{group=%q})`, group)

	// The group commits a first to-do: Prometheus sees it caught up.
	alice := newClient(t, apiBase, "alice-"+randomSuffix(t))
	first := alice.expect(http.MethodPost, "/v1/todos", `{"title":"Buy milk"}`, http.StatusAccepted).header.Get("Location")
	eventually(t, 30*time.Second, func() error {
		if r := alice.do(http.MethodGet, first, ""); r.status != http.StatusOK {
			return fmt.Errorf("GET %s: %d", first, r.status)
		}
		return nil
	})
	eventually(t, 30*time.Second, func() error {
		v, err := promQuery(promBase, lagRecords)
		if err == nil && v != 0 {
			err = fmt.Errorf("%s = %v; want 0 once the first to-do is committed", lagRecords, v)
		}
		return err
	})

	// The next batch fails and waits 10 minutes for its retry: the group is held back.
	proxy.DropBefore(todoCopy)
	second := alice.expect(http.MethodPost, "/v1/todos", `{"title":"Buy bread"}`, http.StatusAccepted).header.Get("Location")
	var before float64
	eventually(t, 30*time.Second, func() error {
		records, err := promQuery(promBase, lagRecords)
		if err != nil {
			return err
		}
		if records != 1 {
			return fmt.Errorf("%s = %v; want 1", lagRecords, records)
		}
		if before, err = promQuery(promBase, lagSeconds); err == nil && before <= 0 {
			err = fmt.Errorf("%s = %v; want > 0", lagSeconds, before)
		}
		return err
	})
	time.Sleep(4 * time.Second)
	after, err := promQuery(promBase, lagSeconds)
	if err != nil {
		t.Fatal(err)
	}
	// 4 seconds later, give or take the 1s scrape interval on each reading.
	if grew := after - before; grew < 2 || grew > 6 {
		t.Errorf("%s went from %.1fs to %.1fs in 4s: want it to grow with the clock", lagSeconds, before, after)
	}
	if r := alice.do(http.MethodGet, second, ""); r.status != http.StatusNotFound {
		t.Errorf("GET %s while its batch waits for the retry: %d, want 404 (not stored yet)", second, r.status)
	}
	if *lagScreenshot != "" {
		time.Sleep(time.Minute)
		screenshotGraph(t, promBase, fmt.Sprintf(`taskstream_consumer_lag_seconds{group=%q}`, group), *lagScreenshot)
	}
	prom.Stop(t, 30*time.Second)
}

// screenshotGraph saves a PNG of Prometheus's graph page (Debian's package serves the classic
// UI, drawn by its scripts) for expr over the last 2 minutes, taken by headless Chromium.
func screenshotGraph(t *testing.T, promBase, expr, file string) {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: install Debian's chromium package, as .ci/run does")
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	page := promBase + "/graph?g0.expr=" + url.QueryEscape(expr) + "&g0.tab=0&g0.range_input=2m"
	args := []string{"--headless", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,860",
		"--virtual-time-budget=8000", "--screenshot=" + abs, page}
	if os.Geteuid() == 0 {
		args = append([]string{"--no-sandbox"}, args...) // root's chromium cannot start its sandbox
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, chromium, args...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot %s: %v\n%s", page, err, out)
	}
	t.Logf("saved %s: %s", abs, page)
}

// startPrometheus runs Debian's Prometheus on a free loopback port with a data directory of the
// test's own, scraping target's /metrics every second, and returns it with its base URL.
func startPrometheus(t *testing.T, bin, target string) (*proc.Process, string) {
	t.Helper()
	dir := t.TempDir()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: taskstream-worker
    static_configs:
      - targets: [%q]
`, u.Host)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := proc.FreeAddr(t)
	p := proc.Start(t, "prometheus on "+addr, bin, nil,
		"--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr)
	base := "http://" + addr
	eventually(t, 30*time.Second, func() error {
		if !p.Running() {
			t.Fatalf("prometheus exited:\n%s", p.Output())
		}
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/-/ready: %d", resp.StatusCode)
		}
		return nil
	})
	return p, base
}

// promQuery asks Prometheus' HTTP API for an instant query that must answer one sample, and
// returns its value.
func promQuery(base, query string) (float64, error) {
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(query))
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, err
	}
	if body.Status != "success" {
		return 0, fmt.Errorf("query %s: %s", query, body.Error)
	}
	if len(body.Data.Result) != 1 {
		return 0, fmt.Errorf("query %s: %d series, want 1", query, len(body.Data.Result))
	}
	s, _ := body.Data.Result[0].Value[1].(string)
	return strconv.ParseFloat(s, 64)
}
