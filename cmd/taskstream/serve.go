package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// serve runs the API, the workers or both until ctx is cancelled, then shuts down gracefully:
// drain (/readyz answers 503 for SHUTDOWN_DRAIN_DELAY while requests are still served), stop
// taking requests, let in-flight requests and batches finish, flush the producer.
func serve(ctx context.Context, part string, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%s takes no arguments, got %v", part, args)
	}
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	if cfg.Broker == config.BrokerGoChannel && part != "all" {
		return fmt.Errorf("%s alone needs a broker shared between processes: set KAFKA_BROKERS, or run `taskstream all`", part)
	}
	if part == "all" || part == "api" {
		if err := cfg.RequireAuth(); err != nil {
			return err
		}
	}
	if part == "relay" && !cfg.RelayNeeded() {
		return fmt.Errorf("relay forwards the PostgreSQL outbox to Kafka: it needs DATABASE_URL and KAFKA_BROKERS (with BROKER=postgres no relay runs)")
	}
	logger := newLogger(cfg)
	logWarnings(cfg, logger)
	tuneGC(logger)
	token, err := prepareEmbedded(&cfg, logger)
	if err != nil {
		return err
	}
	// The service's subscriptions and background loops live until the workers are told to stop,
	// after the HTTP server has drained: a signal must not cut them while requests are in flight.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	svc, cleanup, err := di.New(workCtx, part, cfg, logger)
	if err != nil {
		return err
	}
	defer cleanup()

	var wg sync.WaitGroup
	errs := make(chan error, 1+len(svc.Workers))
	for _, w := range svc.Workers {
		wg.Go(func() {
			// One line per worker is noise at start; the banner or "taskstream started" says
			// that they all run.
			logger.Debug("worker started", "worker", w.Name)
			if err := w.Run(workCtx); err != nil {
				errs <- fmt.Errorf("worker %s: %w", w.Name, err)
			}
		})
	}
	// A worker or a relay serves the operations endpoints alone (probes, /metrics).
	// With METRICS_ADDR, /readyz and /metrics are served there instead.
	servers, err := startHTTP(cfg, svc, logger, errs)
	if err != nil {
		stopWork()
		return err
	}
	if cfg.Embedded() {
		logBanner(logger, cfg.HTTPAddr, token)
	} else {
		logger.Info("taskstream started", "part", part, "broker", cfg.Broker, "postgres", cfg.DatabaseURL != "")
	}

	var runErr error
	select {
	case <-ctx.Done():
		logger.Info("shutting down", "drain", drainDelay(cfg, part), "timeout", cfg.ShutdownTimeout)
		drain(svc.Drain, drainDelay(cfg, part), logger)
	case runErr = <-errs:
		logger.Error("stopping after a failure", "error", runErr)
		svc.Drain.Start() // no wait: a part has failed
	}
	shutdown(cfg, servers, svc, stopWork, &wg, logger)
	return runErr
}

// shutdown stops the HTTP server first (no new to-dos are accepted), then the workers, while the
// WebSocket clients are told to go: after the drain, so they stay connected while it lasts.
// SHUTDOWN_TIMEOUT bounds all of it, not the drain before.
func shutdown(cfg config.Config, servers httpServers, svc *di.Service, stopWork context.CancelFunc, wg *sync.WaitGroup, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	servers.shutdown(ctx, logger)
	// http.Server.Shutdown does not wait for upgraded connections: tell the WebSocket clients to go
	// (1001 Going Away) and wait until they are closed. That runs beside the workers' stop, not
	// before it: a client that does not answer the close handshake holds its connection for 5 s,
	// which must not come out of the time the workers have to finish their batches.
	hubClosed := make(chan struct{})
	go func() {
		defer close(hubClosed)
		if svc.Hub == nil { // a worker or a relay serves no WebSocket
			return
		}
		if err := svc.Hub.Shutdown(ctx); err != nil {
			logger.Warn("websocket shutdown", "error", err)
		}
	}()
	stopWork()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		logger.Info("workers stopped")
	case <-ctx.Done():
		logger.Warn("workers did not stop in time; their uncommitted batches will be redelivered")
	}
	<-hubClosed // returns by the deadline of ctx
}

// defaultGOGC is the garbage collector's target when GOGC is not set. The service's live heap
// is small and each request allocates about 11 KB, so at Go's default of 100 the collector ran
// dozens of times a second under load. In 10-second accept runs of make bench (2026-11-24) the
// API spent 63 µs of CPU per accepted to-do at 400 against 70 to 93 µs at 100, with a resident
// size of 50 MB under that load. GOGC and GOMEMLIMIT set in the environment win.
const defaultGOGC = 400

func tuneGC(logger *slog.Logger) {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(defaultGOGC)
	logger.Debug("garbage collector target set", "gogc", defaultGOGC)
}

// prepareEmbedded warns that the embedded default keeps nothing, and gives it a signing secret
// and a ready-to-use token (returned for the banner) when none is configured. With that random
// secret, and nothing stored beyond the process, the console offers its one-click sign-in as
// any user; never with a database, a broker or a configured secret.
func prepareEmbedded(cfg *config.Config, logger *slog.Logger) (string, error) {
	switch {
	case cfg.Embedded():
		logger.Warn("EMBEDDED MODE: to-dos are kept in memory and events go through an in-process GoChannel; NOTHING SURVIVES A RESTART. Set DATABASE_URL for PostgreSQL, KAFKA_BROKERS for Kafka")
	case cfg.DatabaseURL == "":
		logger.Warn("EMBEDDED MODE: to-dos are kept in memory and NOTHING SURVIVES A RESTART; set DATABASE_URL for PostgreSQL")
	case cfg.Broker == config.BrokerGoChannel:
		logger.Warn("events pass through memory: a to-do answered 202 is lost if the process dies before the worker stores it, and a task event the relay handed over before its consumers applied it is lost with it. Use BROKER=postgres (the default with DATABASE_URL) or Kafka")
	}
	if cfg.Auth.JWTSecret != "" || cfg.Auth.JWKSURL != "" {
		return "", nil
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	cfg.Auth.JWTSecret = hex.EncodeToString(secret)
	switch {
	case cfg.Embedded() && listensOnLoopback(cfg.HTTPAddr):
		cfg.Console.SignInSecret = cfg.Auth.JWTSecret
	case cfg.Embedded():
		// Anyone who reaches the address could sign in as anyone: offered on loopback only.
		logger.Warn("the console's one-click sign-in is off: HTTP_ADDR is not a loopback address; sign in with the printed token",
			"addr", cfg.HTTPAddr)
	}
	return httpport.IssueHS256Token([]byte(cfg.Auth.JWTSecret), "demo-user", 24*time.Hour)
}

// listensOnLoopback reports whether addr (host:port) can be reached from this machine only: an
// explicit loopback IP or localhost. An empty host is every interface.
func listensOnLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
