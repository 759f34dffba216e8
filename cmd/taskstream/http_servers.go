package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// httpServers are the HTTP servers of a process: svc.Handler on HTTP_ADDR, and svc.Ops on
// METRICS_ADDR when it is set. Both have the timeouts and the connection cap of HTTP_*, each
// cap on its own listener, so a flood on the public port does not take the probes' slots.
type httpServers []*http.Server

// serverConfig maps the HTTP_* settings onto the HTTP port's server configuration.
func serverConfig(e config.HTTPEdge) httpport.ServerConfig {
	return httpport.ServerConfig{
		ReadTimeout: e.ReadTimeout, WriteTimeout: e.WriteTimeout, IdleTimeout: e.IdleTimeout,
		MaxConnections: e.MaxConnections,
	}
}

// startHTTP listens on HTTP_ADDR (and METRICS_ADDR) and serves until shutdown; a server that
// fails later reports to errs.
func startHTTP(cfg config.Config, svc *di.Service, logger *slog.Logger, errs chan<- error) (httpServers, error) {
	type binding struct {
		env, addr string
		h         http.Handler
	}
	bindings := []binding{{"HTTP_ADDR", cfg.HTTPAddr, svc.Handler}}
	if svc.Ops != nil {
		bindings = append(bindings, binding{"METRICS_ADDR", cfg.HTTP.MetricsAddr, svc.Ops})
	}
	var servers httpServers
	for _, b := range bindings {
		srv, err := serveOn(b.env, b.addr, b.h, serverConfig(cfg.HTTP), logger, errs)
		if err != nil {
			servers.shutdown(context.Background(), logger)
			return nil, err
		}
		servers = append(servers, srv)
	}
	return servers, nil
}

func serveOn(env, addr string, h http.Handler, sc httpport.ServerConfig, logger *slog.Logger, errs chan<- error) (*http.Server, error) {
	srv, err := httpport.NewServer(h, sc)
	if err != nil {
		return nil, err
	}
	ln, err := httpport.Listen(addr, sc)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", env, addr, err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("http %s: %w", env, err)
		}
	}()
	logger.Info("http listening", "variable", env, "addr", ln.Addr().String())
	return srv, nil
}

// shutdown stops taking connections on every server and waits for the requests in flight,
// until ctx is done.
func (s httpServers) shutdown(ctx context.Context, logger *slog.Logger) {
	for _, srv := range s {
		if err := srv.Shutdown(ctx); err != nil {
			logger.Warn("http shutdown", "error", err)
		}
	}
}
