package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// service is a part of Taskstream under test (`worker` or `api`): the binary in a child
// process, or, with -profile, the same wiring (di.New) inside the bench under a CPU
// profile.
type service interface {
	pid() int // 0 inside the bench
	startedAt() time.Time
	failed() error // non-nil once the service has ended on its own
	logTail() string
	stop() error      // SIGTERM (or cancel) and wait for a clean exit
	cpuGroup() string // the key of sampleCPU its CPU time is counted under
}

// serviceEnv is the environment of a taskstream process on the bench's services.
func (e benchEnv) serviceEnv(databaseURL, topic string) map[string]string {
	env := map[string]string{
		"KAFKA_BROKERS":           strings.Join(e.opts.Brokers, ","),
		"DATABASE_URL":            databaseURL,
		"AUTH_JWT_SECRET":         e.secret,
		"MIGRATE_ON_START":        "false",
		"HTTP_ADDR":               "127.0.0.1:0", // the worker's ops endpoints; the API gets its own
		"KAFKA_TOPIC_TODO_CREATE": topic,
		"LOG_LEVEL":               e.opts.LogLevel,
		"SHUTDOWN_DRAIN_DELAY":    "0", // no load balancer to wait for
	}
	e.otelEnv(env)
	return env
}

// startService starts `taskstream <part>` with env added to the bench's environment. label
// names its log and profile files.
func (e benchEnv) startService(ctx context.Context, part, label string, env map[string]string) (service, error) {
	if e.opts.ProfileDir != "" {
		return e.startInProcess(ctx, part, label, env)
	}
	start := time.Now()
	c, err := e.startChild(part, label, env)
	if err != nil {
		return nil, err
	}
	return &childService{child: c, start: start}, nil
}

type childService struct {
	*child
	start time.Time
}

func (s *childService) pid() int             { return s.Pid() }
func (s *childService) startedAt() time.Time { return s.start }
func (s *childService) logTail() string      { return s.tail() }
func (s *childService) stop() error          { return s.Stop(30 * time.Second) }
func (s *childService) cpuGroup() string     { return "taskstream" }

func (s *childService) failed() error {
	if exited, err := s.Exited(); exited {
		return fmt.Errorf("taskstream %s exited early (%s); log: %s", s.name, exitReason(err), s.tail())
	}
	return nil
}

// inProcess runs the workers or the HTTP API of di.New inside the bench.
type inProcess struct {
	part    string
	start   time.Time
	cancel  context.CancelFunc
	done    chan struct{}
	err     error
	mu      sync.Mutex
	logPath string
	profile *os.File
}

func (e benchEnv) startInProcess(ctx context.Context, part, label string, env map[string]string) (service, error) {
	cfg, err := config.Load(func(k string) (string, bool) {
		if v, ok := env[k]; ok {
			return v, true
		}
		return os.LookupEnv(k)
	})
	if err != nil {
		return nil, err
	}
	s := &inProcess{part: part, start: time.Now(), done: make(chan struct{}), logPath: filepath.Join(e.dir, label+"-inprocess.log")}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	if s.profile, err = os.Create(filepath.Join(e.opts.ProfileDir, label+".pprof")); err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(s.profile); err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewJSONHandler(logFile, &slog.HandlerOptions{Level: cfg.LogLevel}))
	sarama.Logger = log.New(logFile, "sarama: ", log.Lmicroseconds) // the client's own log, e.g. stalled fetches
	svc, cleanup, err := di.New(ctx, part, cfg, logger)
	if err != nil {
		pprof.StopCPUProfile()
		return nil, err
	}
	var runCtx context.Context
	runCtx, s.cancel = context.WithCancel(ctx)
	run := s.runWorkers
	if part == "api" {
		run = s.serveHTTP
	}
	go func() {
		defer close(s.done)
		defer func() { _ = logFile.Close() }()
		defer cleanup()
		run(runCtx, svc, cfg.HTTPAddr)
	}()
	return s, nil
}

func (s *inProcess) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = errors.Join(s.err, err)
}

func (s *inProcess) runWorkers(ctx context.Context, svc *di.Service, _ string) {
	var wg sync.WaitGroup
	for _, w := range svc.Workers {
		wg.Go(func() {
			if err := w.Run(ctx); err != nil {
				s.fail(err)
			}
		})
	}
	wg.Wait()
}

// serveHTTP serves the API as cmd/taskstream does, with the default timeouts and connection
// cap of HTTP_*, until ctx ends.
func (s *inProcess) serveHTTP(ctx context.Context, svc *di.Service, addr string) {
	ln, err := httpport.Listen(addr, httpport.ServerConfig{})
	if err != nil {
		s.fail(err)
		return
	}
	srv, err := httpport.NewServer(svc.Handler, httpport.ServerConfig{})
	if err != nil {
		s.fail(err)
		return
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.fail(err)
	}
}

func (s *inProcess) pid() int             { return 0 }
func (s *inProcess) startedAt() time.Time { return s.start }
func (s *inProcess) cpuGroup() string     { return "bench" }

func (s *inProcess) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b[max(0, len(b)-4000):])
}

func (s *inProcess) failed() error {
	select {
	case <-s.done:
		return fmt.Errorf("the in-process %s ended early (%s); log: %s", s.part, exitReason(s.err), s.logTail())
	default:
		return nil
	}
}

func (s *inProcess) stop() error {
	pprof.StopCPUProfile()
	_ = s.profile.Close()
	logf("CPU profile of the in-process %s written to %s (go tool pprof -top %s)", s.part, s.profile.Name(), s.profile.Name())
	s.cancel()
	<-s.done
	return s.err
}

// exitReason describes how a service ended.
func exitReason(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}
