package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// The minimal server is the accept figure's second reference: the produce loop's work (a to-do,
// its envelope, one SendMessage on the same producer settings) behind a bare net/http handler
// that reads the body and answers 202, in a process of its own, driven by the same clients. It
// has no router, auth, JSON validation, metrics or logs: the gap between it and the API is what
// the service adds; the gap between it and the produce loop is what HTTP on these two shared
// cores costs. It is informational; the target stays the produce loop.

// serveMinimal runs the minimal server on addr until SIGTERM; the bench starts it as
// `bench -serve-minimal ADDR -minimal-topic TOPIC -brokers ...`.
func serveMinimal(addr, topic string, brokers []string) error {
	sc, err := kafka.ProducerConfig(kafka.Config{Brokers: brokers, ClientID: "taskstream-bench-minimal", SecurityProtocol: "PLAINTEXT"})
	if err != nil {
		return err
	}
	producer, err := sarama.NewSyncProducer(brokers, sc)
	if err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	defer func() { _ = producer.Close() }()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("POST /v1/todos", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Title, Description string }
		raw, err := io.ReadAll(r.Body)
		if err == nil {
			err = json.Unmarshal(raw, &body)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// The token's tail stands in for the user: as many keys as clients, as for the API.
		user := r.Header.Get("Authorization")
		user = user[max(0, len(user)-16):]
		t, err := todo.New(uuid.Must(uuid.NewV7()).String(), shared.UserID(user), body.Title, body.Description, time.Now())
		if err == nil {
			var rec *sarama.ProducerMessage
			if rec, err = createRecord(topic, t); err == nil {
				_, _, err = producer.SendMessage(rec)
			}
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, `{"id":"`+t.ID()+`"}`)
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loadMinimal starts the minimal server in a child process on a fresh topic and drives it with
// the API's clients and requests.
func (e benchEnv) loadMinimal(ctx context.Context, pool texts, tokens []string) (loadResult, error) {
	o := e.opts
	topic := "bench-minimal-" + randomHex(4)
	cleanup, err := e.createTopic(topic)
	if err != nil {
		return loadResult{}, err
	}
	defer cleanup()
	addr, err := freeAddr()
	if err != nil {
		return loadResult{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return loadResult{}, err
	}
	cmd := exec.Command(self, "-serve-minimal", addr, "-minimal-topic", topic, "-brokers", strings.Join(o.Brokers, ","))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return loadResult{}, fmt.Errorf("start the minimal server: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			if err != nil {
				logf("accept: the minimal server exited with %v", err)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
	}()
	if err := waitMinimal(ctx, addr, done); err != nil {
		return loadResult{}, err
	}
	logf("accept: %d clients POST to the minimal server at %s for %s after a %s warm-up", o.Clients, addr, o.Duration, o.Warmup)
	do, closeClients := requestLoop(addr, pool, tokens)
	res := runLoad(ctx, o.Clients, o.Warmup, o.Duration, cmd.Process.Pid, do)
	closeClients()
	res.CPUGroup = "taskstream"
	logf("accept: minimal server %d accepted in %s (%.0f/s), %d errors", res.OK, res.Window, res.Rate(), res.Errors)
	return res, nil
}

// waitMinimal waits up to 30 s for the minimal server's /healthz.
func waitMinimal(ctx context.Context, addr string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("the minimal server exited: %w", err)
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("the minimal server did not answer in 30 s")
}
