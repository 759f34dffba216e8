package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
)

// scoringResult is the test-results figures: submissions scored end to end (POST to the
// calculator's stored result) as fast as the clients can submit, and the time from submit to
// scored at a steady rate.
type scoringResult struct {
	N          int
	Elapsed    time.Duration // first POST sent to the last submission scored
	AcceptRate float64       // 202s per second while submitting
	Rate       int           // the steady rate, submissions per second
	Latency    []time.Duration
	Sent       int
	Workers    int
	CPU        cpuTimes
}

func (r scoringResult) ScoredPerSecond() float64 { return float64(r.N) / r.Elapsed.Seconds() }

// scoringQuiz is the bench's test: 20 questions in 4 categories.
func scoringQuiz() []byte {
	type option struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	type question struct {
		ID       string   `json:"id"`
		Text     string   `json:"text"`
		Kind     string   `json:"kind"`
		Category string   `json:"category"`
		Points   int      `json:"points"`
		Options  []option `json:"options"`
		Correct  []string `json:"correct"`
	}
	var qs []question
	for i := range 20 {
		q := question{ID: fmt.Sprintf("q%d", i), Text: fmt.Sprintf("Question %d?", i), Kind: "single",
			Category: []string{"go", "sql", "kafka", "http"}[i%4], Points: 1 + i%3,
			Options: []option{{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}}, Correct: []string{"b"}}
		if i%2 == 1 {
			q.Kind, q.Correct = "multiple", []string{"a", "c"}
		}
		qs = append(qs, q)
	}
	// Every client submits again and again: no limit of attempts (null), every one counted.
	b, _ := json.Marshal(map[string]any{"title": "Bench quiz", "questions": qs, "max_attempts": nil, "stats_count": "all"})
	return b
}

// scoringAnswers are 64 answer sheets to pick from.
func scoringAnswers() [][]byte {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([][]byte, 64)
	for i := range out {
		answers := map[string][]string{}
		for q := range 20 {
			switch r.IntN(3) {
			case 0:
				answers[fmt.Sprintf("q%d", q)] = []string{"b"}
			case 1:
				answers[fmt.Sprintf("q%d", q)] = []string{"a"}
			}
		}
		out[i], _ = json.Marshal(map[string]any{"answers": answers})
	}
	return out
}

// measureScoring deploys relay, worker and API on a fresh database and fresh topics, creates a
// test, then (1) submits -scoring-n answer sheets from -clients clients as fast as they go and
// times the first POST to the last stored result, and (2) submits at a steady -scoring-rate for
// -scoring-duration and reports the time from each POST's scheduled send to its scored_at.
func measureScoring(ctx context.Context, e benchEnv) (scoringResult, error) {
	o := e.opts
	res := scoringResult{N: o.ScoringN, Rate: o.ScoringRate, Workers: o.ScoringWorkers}
	fresh, err := e.newDatabase(ctx)
	if err != nil {
		return res, err
	}
	defer fresh.Close()
	env := e.scoringEnv(fresh.URL)
	defer e.deleteKafkaNames(env)
	apiAddr, err := freeAddr()
	if err != nil {
		return res, err
	}
	services, err := e.startScoringServices(ctx, env, apiAddr)
	defer func() {
		for _, svc := range slices.Backward(services) {
			_ = svc.stop()
		}
	}()
	if err != nil {
		return res, err
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	base := "http://" + apiAddr
	if err := waitHealthy(ctx, hc, base, services[len(services)-1]); err != nil {
		return res, err
	}
	tokens, err := e.tokens(ctx, o.Clients)
	if err != nil {
		return res, err
	}
	testID, err := createBenchTest(hc, base, tokens[0])
	if err != nil {
		return res, err
	}
	sheets := scoringAnswers()
	submit := func(c int) (string, error) {
		return postSubmission(hc, base+"/v1/tests/"+testID+"/submissions", tokens[c%len(tokens)], sheets[rand.IntN(len(sheets))])
	}

	// (1) As fast as the clients go.
	logf("scoring: %d clients submit %d answer sheets as fast as they can", o.Clients, o.ScoringN)
	before := sampleCPU(0)
	first := time.Now()
	if err := submitAll(ctx, o.Clients, o.ScoringN, submit); err != nil {
		return res, err
	}
	res.AcceptRate = float64(o.ScoringN) / time.Since(first).Seconds()
	last, err := waitScored(ctx, fresh.DB, o.ScoringN, o.RelayTimeout, services)
	if err != nil {
		return res, err
	}
	res.Elapsed = last.Sub(first)
	res.CPU = sampleCPU(0).sub(before)
	logf("scoring: %d scored in %s (%.0f/s); accepted at %.0f/s", o.ScoringN, res.Elapsed.Round(time.Millisecond), res.ScoredPerSecond(), res.AcceptRate)

	// The steady phase starts from a quiet pipeline: analytics and the notification-service
	// finish the burst's events first, so their backlog does not count against the latency.
	if err := waitDrained(ctx, fresh.DB, o.ScoringN, o.RelayTimeout); err != nil {
		return res, err
	}
	res.Sent, res.Latency, err = e.steadyScoring(ctx, fresh.DB, submit, services)
	return res, err
}

// steadyScoring submits at a steady rate, open loop: each submission has a scheduled send
// time, and a late send counts from its schedule, so a stall is not hidden. It returns how
// many were sent and, sorted, each one's time from its schedule to its scored_at.
func (e benchEnv) steadyScoring(ctx context.Context, db *sql.DB, submit func(int) (string, error), services []service) (int, []time.Duration, error) {
	o := e.opts
	n := int(float64(o.ScoringRate) * o.ScoringDuration.Seconds())
	logf("scoring: %d submissions at a steady %d/s for %s", n, o.ScoringRate, o.ScoringDuration)
	sent, err := submitAtRate(ctx, o.ScoringRate, n, o.Clients, submit)
	if err != nil {
		return len(sent), nil, err
	}
	if _, err := waitScored(ctx, db, o.ScoringN+len(sent), o.RelayTimeout, services); err != nil {
		return len(sent), nil, err
	}
	latency, err := scoredLatencies(ctx, db, sent)
	return len(sent), latency, err
}

// scoringEnv is the environment of the scoring measurement's processes: fresh topics and
// groups for everything they read or write.
func (e benchEnv) scoringEnv(databaseURL string) map[string]string {
	s := randomHex(4)
	env := e.serviceEnv(databaseURL, "bench-todo-"+s)
	names := map[string]string{
		"KAFKA_TOPIC_TASK_EVENTS": "bench-task-events-" + s, "KAFKA_TOPIC_TASK_UPDATES": "bench-task-updates-" + s,
		"KAFKA_TOPIC_NOTIFICATION_REQUEST": "bench-notification-" + s, "KAFKA_TOPIC_TEST_SUBMISSIONS": "bench-submissions-" + s,
		"KAFKA_TOPIC_TEST_RESULTS_READY": "bench-results-" + s, "KAFKA_TOPIC_POISON": "bench-poison-" + s,
		"KAFKA_CONSUMER_GROUP_TODO": "bench-todo-" + s, "KAFKA_CONSUMER_GROUP_AUDIT": "bench-audit-" + s,
		"KAFKA_CONSUMER_GROUP_NOTIFICATION": "bench-notification-" + s, "KAFKA_CONSUMER_GROUP_RESULTS": "bench-results-" + s,
		"KAFKA_CONSUMER_GROUP_ANALYTICS": "bench-analytics-" + s, "KAFKA_TOPIC_NOTIFICATION_CREATED": "bench-notification-created-" + s,
	}
	for k, v := range names {
		env[k] = v
	}
	env["KAFKA_TOPIC_PARTITIONS"] = fmt.Sprint(e.opts.Partitions)
	env["RESULT_CALCULATOR_WORKERS"] = fmt.Sprint(e.opts.ScoringWorkers)
	return env
}

// startScoringServices starts relay, worker and API (last) on env, the API on apiAddr.
func (e benchEnv) startScoringServices(ctx context.Context, env map[string]string, apiAddr string) ([]service, error) {
	var services []service
	for _, part := range []string{"relay", "worker", "api"} {
		penv := maps.Clone(env)
		if part == "api" {
			penv["HTTP_ADDR"] = apiAddr
		}
		svc, err := e.startService(ctx, part, "scoring-"+part, penv)
		if err != nil {
			return services, err
		}
		services = append(services, svc)
	}
	return services, nil
}

// createBenchTest creates the bench's test and returns its id.
func createBenchTest(hc *http.Client, base, token string) (string, error) {
	loc, err := postJSON(hc, base+"/v1/tests", token, scoringQuiz(), http.StatusCreated)
	return strings.TrimPrefix(loc, "/v1/tests/"), err
}

// postSubmission posts one answer sheet and returns the submission's id.
func postSubmission(hc *http.Client, url, token string, body []byte) (string, error) {
	loc, err := postJSON(hc, url, token, body, http.StatusAccepted)
	return strings.TrimPrefix(loc, "/v1/submissions/"), err
}

// postJSON posts body to url as the token's user, expects status and returns the Location.
func postJSON(hc *http.Client, url, token string, body []byte, status int) (string, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		return "", fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, bytes.TrimSpace(raw))
	}
	return resp.Header.Get("Location"), nil
}

// submitAll sends n submissions from clients goroutines.
func submitAll(ctx context.Context, clients, n int, submit func(c int) (string, error)) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
		errs []error
	)
	for c := range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				if _, err := submit(c); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(append(errs, ctx.Err())...)
}

// sentSubmission is a submission of the steady phase and its scheduled send time.
type sentSubmission struct {
	id  string
	due time.Time
}

// submitAtRate schedules n submissions at rate per second and sends each at its time from a
// pool of clients goroutines.
func submitAtRate(ctx context.Context, rate, n, clients int, submit func(c int) (string, error)) ([]sentSubmission, error) {
	jobs := make(chan time.Time, n)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sent []sentSubmission
		errs []error
	)
	for c := range clients {
		wg.Go(func() {
			for due := range jobs {
				id, err := submit(c)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					sent = append(sent, sentSubmission{id: id, due: due})
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now().Add(100 * time.Millisecond)
	interval := time.Second / time.Duration(rate)
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if err := sleepUntil(ctx, due); err != nil {
			break
		}
		jobs <- due
	}
	close(jobs)
	wg.Wait()
	if len(errs) > 0 {
		return sent, fmt.Errorf("%d of %d submissions failed, first: %w", len(errs), n, errs[0])
	}
	return sent, ctx.Err()
}

// waitScored waits until no submission is pending (all n were answered 202, so they are
// stored) and returns the latest scored_at. It polls the pending ones only (a partial index),
// so the polling costs the database next to nothing during the measurement.
func waitScored(ctx context.Context, db *sql.DB, n int, timeout time.Duration, services []service) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for {
		var pending int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM test_submissions WHERE status = 'pending'`).Scan(&pending); err != nil {
			return time.Time{}, err
		}
		if pending == 0 {
			return lastScored(ctx, db, n)
		}
		for _, s := range services {
			if err := s.failed(); err != nil {
				return time.Time{}, err
			}
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%d of %d submissions still pending after %s", pending, n, timeout)
		}
		if err := sleepUntil(ctx, time.Now().Add(100*time.Millisecond)); err != nil {
			return time.Time{}, err
		}
	}
}

// waitDrained waits until the analytics group has counted n scores and the
// notification-service has stored n notifications.
func waitDrained(ctx context.Context, db *sql.DB, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var scores, notes int
		err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM test_scores), (SELECT count(*) FROM notifications)`).Scan(&scores, &notes)
		switch {
		case err != nil:
			return err
		case scores >= n && notes >= n:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("after %s: %d of %d scores counted, %d of %d notifications stored", timeout, scores, n, notes, n)
		}
		if err := sleepUntil(ctx, time.Now().Add(200*time.Millisecond)); err != nil {
			return err
		}
	}
}

// lastScored checks that n submissions are scored, none failed, and returns the latest
// scored_at.
func lastScored(ctx context.Context, db *sql.DB, n int) (time.Time, error) {
	var scored, failed int
	var last sql.NullTime
	err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'scored'), count(*) FILTER (WHERE status = 'failed'),
		max(scored_at) FROM test_submissions`).Scan(&scored, &failed, &last)
	switch {
	case err != nil:
		return time.Time{}, err
	case failed > 0 || scored != n:
		return time.Time{}, fmt.Errorf("%d submissions scored and %d failed, want %d scored", scored, failed, n)
	}
	return last.Time, nil
}

// scoredLatencies returns, sorted, the time from each submission's scheduled send to its
// scored_at (set by the result calculator in the transaction that stores the result).
func scoredLatencies(ctx context.Context, db *sql.DB, sent []sentSubmission) ([]time.Duration, error) {
	ids := make([]string, len(sent))
	due := make(map[string]time.Time, len(sent))
	for i, s := range sent {
		ids[i], due[s.id] = s.id, s.due
	}
	rows, err := db.QueryContext(ctx, `SELECT id::text, scored_at FROM test_submissions WHERE id = ANY($1::text[]::uuid[])`, ids)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []time.Duration
	for rows.Next() {
		var id string
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out = append(out, at.Sub(due[id]))
	}
	slices.Sort(out)
	return out, rows.Err()
}

// deleteKafkaNames deletes the topics and groups a measurement's env names.
func (e benchEnv) deleteKafkaNames(env map[string]string) {
	sc, err := kafka.ConsumerConfig(e.kafkaConfig())
	if err != nil {
		return
	}
	admin, err := sarama.NewClusterAdmin(e.opts.Brokers, sc)
	if err != nil {
		return
	}
	defer func() { _ = admin.Close() }()
	for k, v := range env {
		switch {
		case strings.HasPrefix(k, "KAFKA_CONSUMER_GROUP_"):
			_ = admin.DeleteConsumerGroup(v)
		case strings.HasPrefix(k, "KAFKA_TOPIC_") && k != "KAFKA_TOPIC_PARTITIONS":
			_ = admin.DeleteTopic(v)
		}
	}
}
