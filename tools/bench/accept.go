package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// acceptResult holds the accept figures: the API, the produce-loop baseline, and the minimal
// HTTP server as a second, informational reference (minimal.go).
type acceptResult struct {
	Clients int
	API     loadResult
	Produce loadResult
	Minimal loadResult
	// Stored is how many records the API's topic holds after the run (at least every 202).
	Stored int64
	// Tracing is the API again with tracing on and off (accept_tracing.go), nil without -tracing.
	Tracing *acceptTracing
}

// texts is a pool of to-do texts shared by the API clients and the produce loop, so both send
// the same data.
type texts struct {
	title, description []string
	body               [][]byte // {"title":...,"description":...}
}

func newTexts(n int) texts {
	g := newTextGen(3)
	t := texts{title: make([]string, n), description: make([]string, n), body: make([][]byte, n)}
	for i := range n {
		t.title[i], t.description[i] = g.Title(), g.Description()
		t.body[i], _ = json.Marshal(map[string]string{"title": t.title[i], "description": t.description[i]})
	}
	return t
}

// measureAccept runs C clients against `taskstream api`, then the same number of goroutines
// producing equivalent records with the API's producer settings.
func measureAccept(ctx context.Context, e benchEnv) (acceptResult, error) {
	res := acceptResult{Clients: e.opts.Clients}
	pool := newTexts(1024)
	tokens, err := e.tokens(ctx, e.opts.Clients)
	if err != nil {
		return res, err
	}
	if res.API, res.Stored, err = e.loadAPI(ctx, pool, tokens); err != nil {
		return res, err
	}
	if res.Produce, err = e.loadProduce(ctx, pool); err != nil {
		return res, err
	}
	if res.Minimal, err = e.loadMinimal(ctx, pool, tokens); err != nil {
		return res, err
	}
	if e.tracingFigures() {
		if res.Tracing, err = e.measureAcceptTracing(ctx, pool, tokens); err != nil {
			return res, err
		}
	}
	return res, nil
}

func clientUser(c int) string { return fmt.Sprintf("bench-api-%02d", c) }

// loadAPI starts `taskstream api` on a fresh topic and drives POST /v1/todos, one user per client.
func (e benchEnv) loadAPI(ctx context.Context, pool texts, tokens []string) (loadResult, int64, error) {
	o := e.opts
	topic := "bench-api-todo-create-" + randomHex(4)
	cleanup, err := e.createTopic(topic)
	if err != nil {
		return loadResult{}, 0, err
	}
	defer cleanup()
	addr, err := freeAddr()
	if err != nil {
		return loadResult{}, 0, err
	}
	env := e.serviceEnv(o.DatabaseURL, topic)
	env["HTTP_ADDR"] = addr
	api, err := e.startService(ctx, "api", "api", env)
	if err != nil {
		return loadResult{}, 0, err
	}
	base := "http://" + addr
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: o.Clients, MaxIdleConnsPerHost: o.Clients, IdleConnTimeout: time.Minute,
	}}
	if err := waitHealthy(ctx, hc, base, api); err != nil {
		_ = api.stop()
		return loadResult{}, 0, err
	}
	logf("accept: %d clients POST %s/v1/todos for %s after a %s warm-up", o.Clients, base, o.Duration, o.Warmup)
	do, closeClients := requestLoop(addr, pool, tokens)
	res := runLoad(ctx, o.Clients, o.Warmup, o.Duration, api.pid(), do)
	closeClients()
	logf("accept: API %d accepted in %s (%.0f/s), %d errors", res.OK, res.Window, res.Rate(), res.Errors)
	res.CPUGroup = api.cpuGroup()
	if err := api.stop(); err != nil {
		return res, 0, err
	}
	stored, err := e.topicRecords(topic)
	return res, stored, err
}

// requestLoop returns the clients' work: client c sends POST /v1/todos to addr as user c, with
// one of 64 prepared requests, on a keep-alive connection of its own, and expects 202. The
// second function closes the connections.
func requestLoop(addr string, pool texts, tokens []string) (func(c int) error, func()) {
	clients := make([]*rawClient, len(tokens))
	requests := make([][][]byte, len(tokens))
	for c := range clients {
		clients[c] = newRawClient(addr)
		requests[c] = make([][]byte, 64)
		for i := range requests[c] {
			requests[c][i] = postRequest(addr, tokens[c], pool.body[(c*64+i)&1023])
		}
	}
	do := func(c int) error {
		status, body, err := clients[c].do(requests[c][int(time.Now().UnixNano())&63])
		if err == nil && status != http.StatusAccepted {
			err = fmt.Errorf("POST /v1/todos: %d %s", status, bytes.TrimSpace(body))
		}
		return err
	}
	return do, func() {
		for _, c := range clients {
			c.close()
		}
	}
}

// tokens gets one bearer token per client from `taskstream token --user`.
func (e benchEnv) tokens(ctx context.Context, n int) ([]string, error) {
	tokens := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for c := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := exec.CommandContext(ctx, e.bin, "token", "--user", clientUser(c))
			cmd.Env = []string{"AUTH_JWT_SECRET=" + e.secret}
			out, err := cmd.Output()
			tokens[c], errs[c] = strings.TrimSpace(string(out)), err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("taskstream token: %w", err)
		}
	}
	return tokens, nil
}

// waitHealthy waits up to 30 s for /healthz to answer 200.
func waitHealthy(ctx context.Context, hc *http.Client, base string, api service) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if err := api.failed(); err != nil {
			return err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if resp, err := hc.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("taskstream api did not become healthy in 30 s; log: %s", api.logTail())
}

// loadProduce is the baseline: the API's producer settings (kafka.ProducerConfig), one
// synchronous producer shared by C goroutines, each sending the record the API would send.
func (e benchEnv) loadProduce(ctx context.Context, pool texts) (loadResult, error) {
	o := e.opts
	topic := "bench-produce-" + randomHex(4)
	cleanup, err := e.createTopic(topic)
	if err != nil {
		return loadResult{}, err
	}
	defer cleanup()
	sc, err := kafka.ProducerConfig(e.kafkaConfig())
	if err != nil {
		return loadResult{}, err
	}
	p, err := sarama.NewSyncProducer(o.Brokers, sc)
	if err != nil {
		return loadResult{}, fmt.Errorf("producer: %w", err)
	}
	defer func() { _ = p.Close() }()
	logf("accept: %d goroutines produce to %s for %s after a %s warm-up", o.Clients, topic, o.Duration, o.Warmup)
	res := runLoad(ctx, o.Clients, o.Warmup, o.Duration, 0, func(c int) error {
		i := int(time.Now().UnixNano()) & 1023
		t, err := todo.New(uuid.Must(uuid.NewV7()).String(), shared.UserID(clientUser(c)), pool.title[i], pool.description[i], time.Now())
		if err != nil {
			return err
		}
		rec, err := createRecord(topic, t)
		if err != nil {
			return err
		}
		_, _, err = p.SendMessage(rec)
		return err
	})
	res.CPUGroup = "bench"
	logf("accept: produce loop %d sent in %s (%.0f/s), %d errors", res.OK, res.Window, res.Rate(), res.Errors)
	return res, nil
}

// topicRecords returns how many records topic holds (the sum of its partitions' end offsets).
func (e benchEnv) topicRecords(topic string) (int64, error) {
	sc, err := kafka.ConsumerConfig(e.kafkaConfig())
	if err != nil {
		return 0, err
	}
	client, err := sarama.NewClient(e.opts.Brokers, sc)
	if err != nil {
		return 0, err
	}
	defer func() { _ = client.Close() }()
	parts, err := client.Partitions(topic)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, p := range parts {
		off, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			return 0, err
		}
		total += off
	}
	return total, nil
}
