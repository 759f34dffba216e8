package main

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/taskstream/taskstream/config"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// drainDelay is how long part goes on serving after the signal to stop: SHUTDOWN_DRAIN_DELAY
// for the processes that serve the API behind a load balancer, none for a worker or a relay,
// whose /readyz no balancer sends traffic by.
func drainDelay(cfg config.Config, part string) time.Duration {
	if part == "api" || part == "all" {
		return cfg.ShutdownDrainDelay
	}
	return 0
}

// drain tells whoever sends traffic that the process is going: from now on /readyz answers 503
// (on HTTP_ADDR and METRICS_ADDR alike) and each answer closes its connection. It then goes on
// serving for delay, so that a load balancer or Kubernetes sees the probe fail and stops
// sending before the listener closes. A second SIGINT or SIGTERM ends the wait: the operator
// wants the process gone now. It must be called after the first signal has been taken.
func drain(d *httpport.Drain, delay time.Duration, logger *slog.Logger) {
	d.Start()
	if delay <= 0 {
		return
	}
	// Registered once the first signal has been delivered, so only a later one arrives here.
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(again)
	logger.Info("draining: /readyz answers 503 while requests are still served", "delay", delay)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case sig := <-again:
		logger.Info("second signal: the rest of the drain is skipped", "signal", sig.String())
	}
}
