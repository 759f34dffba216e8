package component_test

import (
	"slices"
	"strings"
	"testing"
)

// The observability profile of docker-compose.yml holds Jaeger all-in-one, the version the
// local services build (scripts/jaeger), with OTLP/HTTP and the query API published on the
// host's loopback at the ports the local Jaeger uses. Compose cannot set a variable by profile,
// so every Taskstream service takes OTEL_EXPORTER_OTLP_ENDPOINT from the environment compose
// runs in, empty (tracing off) by default, and the file's header says to set it to the jaeger
// service's OTLP endpoint.
func TestComposeObservabilityProfileHasJaeger(t *testing.T) {
	t.Parallel()
	main := readCompose(t, "docker-compose.yml")
	jaeger, ok := main.Services["jaeger"]
	if !ok {
		t.Fatal("docker-compose.yml has no jaeger service")
	}
	if !slices.Equal(jaeger.Profiles, []string{"observability"}) {
		t.Errorf("jaeger profiles %v, want [observability]", jaeger.Profiles)
	}
	if want := "jaegertracing/all-in-one:1.75.0"; jaeger.Image != want {
		t.Errorf("jaeger image %q, want %q (the version scripts/jaeger builds)", jaeger.Image, want)
	}
	for _, port := range []string{"127.0.0.1:4318:4318", "127.0.0.1:16686:16686"} {
		if !slices.Contains(jaeger.Ports, port) {
			t.Errorf("jaeger ports %v lack %s", jaeger.Ports, port)
		}
	}
	for _, p := range jaeger.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("jaeger publishes %s beyond loopback", p)
		}
	}
	for name, svc := range main.Services {
		if !strings.HasPrefix(name, "taskstream") {
			continue
		}
		if v := svc.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]; v != "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" {
			t.Errorf("service %s: OTEL_EXPORTER_OTLP_ENDPOINT is %q, want ${OTEL_EXPORTER_OTLP_ENDPOINT:-} (off unless set)", name, v)
		}
	}
	body := string(readFile(t, repoPath(t, "docker-compose.yml")))
	if !strings.Contains(body, "OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318 docker compose --profile observability up") {
		t.Error("docker-compose.yml does not say how to send the traces to its jaeger service")
	}
}
