package httpport_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/application"
	httpport "github.com/taskstream/taskstream/ports/http"
)

func TestNewHandlerRejectsMissingDependencies(t *testing.T) {
	t.Parallel()
	auth, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	full := func() httpport.Deps {
		return httpport.Deps{Logger: slog.New(slog.DiscardHandler), Authenticator: auth, Registry: reg, Gatherer: reg}
	}
	cases := []struct {
		name string
		edit func(*httpport.Deps, *httpport.Config)
		want string
	}{
		{"nil logger", func(d *httpport.Deps, _ *httpport.Config) { d.Logger = nil }, "Logger"},
		{"nil authenticator", func(d *httpport.Deps, _ *httpport.Config) { d.Authenticator = nil }, "Authenticator"},
		{"nil registry", func(d *httpport.Deps, _ *httpport.Config) { d.Registry = nil }, "Registry"},
		{"nil gatherer", func(d *httpport.Deps, _ *httpport.Config) { d.Gatherer = nil }, "Gatherer"},
		{"unnamed check", func(d *httpport.Deps, _ *httpport.Config) { d.Readiness = []httpport.ReadinessCheck{{}} }, "readiness"},
		{"negative body limit", func(_ *httpport.Deps, c *httpport.Config) { c.MaxBodyBytes = -1 }, "MaxBodyBytes"},
	}
	app := newFixtureApp(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			deps, cfg := full(), httpport.Config{}
			tc.edit(&deps, &cfg)
			if _, err := httpport.NewHandler(app, cfg, deps); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewHandler error = %v, want one naming %s", err, tc.want)
			}
		})
	}
	if _, err := httpport.NewHandler(application.Application{}, httpport.Config{}, full()); err == nil {
		t.Error("NewHandler accepted an application without handlers")
	}
	noTasks := newFixtureApp(t)
	noTasks.Queries.TaskHistory = nil
	if _, err := httpport.NewHandler(noTasks, httpport.Config{}, full()); err == nil || !strings.Contains(err.Error(), "task handler") {
		t.Errorf("NewHandler without a task handler: %v", err)
	}
}

func TestNewHandlerTwiceOnOneRegistry(t *testing.T) {
	t.Parallel()
	auth, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	deps := httpport.Deps{Logger: slog.New(slog.DiscardHandler), Authenticator: auth, Registry: reg, Gatherer: reg}
	for range 2 {
		if _, err := httpport.NewHandler(newFixtureApp(t), httpport.Config{}, deps); err != nil {
			t.Fatal(err)
		}
	}
}
