package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// httpServers are the HTTP servers of a process: svc.Handler on HTTP_ADDR, and svc.Ops on
// METRICS_ADDR when it is set. Both have the timeouts and the connection cap of HTTP_*, each
// cap on its own listener, so a flood on the public port does not take the probes' slots.
type httpServers []httpServer

// httpServer is one server and the listener it accepts from.
type httpServer struct {
	env string
	srv *http.Server
	ln  *httpport.Listener
}

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

func serveOn(env, addr string, h http.Handler, sc httpport.ServerConfig, logger *slog.Logger, errs chan<- error) (httpServer, error) {
	srv, err := httpport.NewServer(h, sc)
	if err != nil {
		return httpServer{}, err
	}
	ln, err := httpport.Listen(addr, sc)
	if err != nil {
		return httpServer{}, fmt.Errorf("%s %s: %w", env, addr, err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("http %s: %w", env, err)
		}
	}()
	logger.Info("http listening", "variable", env, "addr", ln.Addr().String())
	return httpServer{env: env, srv: srv, ln: ln}, nil
}

// shutdown stops taking connections on every server and waits for the requests in flight,
// until ctx is done. Each listener is quiesced first, so that closing it resets none of the
// connections the kernel had completed for it: they are accepted and answered.
func (s httpServers) shutdown(ctx context.Context, logger *slog.Logger) {
	var wg sync.WaitGroup
	for _, hs := range s {
		wg.Go(func() {
			if err := hs.ln.Quiesce(ctx); err != nil {
				logger.Warn("http listener not quiesced; connections it holds may be reset", "variable", hs.env, "error", err)
			}
			if err := hs.srv.Shutdown(ctx); err != nil {
				logger.Warn("http shutdown", "variable", hs.env, "error", err)
			}
		})
	}
	wg.Wait()
}
