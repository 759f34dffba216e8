package component_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// composeFile is the part of a compose file these checks read.
type composeFile struct {
	Include  []string `yaml:"include"`
	Services map[string]struct {
		Environment map[string]string `yaml:"environment"`
		Profiles    []string          `yaml:"profiles"`
		Image       string            `yaml:"image"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
}

func readCompose(t *testing.T, name string) composeFile {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(body, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// requiredSecret is compose's form of a variable that must be set: without it, compose stops
// with the message instead of starting the service.
var requiredSecret = regexp.MustCompile(`^\$\{AUTH_JWT_SECRET:\?[^}]+\}$`)

// docker-compose.yml ships no signing secret that works: every Taskstream service requires
// AUTH_JWT_SECRET from the environment, so a deployment copied from it cannot run with a secret
// everyone knows. The dependencies alone (compose.services.yml) start without it.
func TestComposeRequiresAJWTSecretOfYourOwn(t *testing.T) {
	t.Parallel()
	main := readCompose(t, "docker-compose.yml")
	taskstream := 0
	for name, svc := range main.Services {
		if !strings.HasPrefix(name, "taskstream") {
			continue
		}
		taskstream++
		if v, ok := svc.Environment["AUTH_JWT_SECRET"]; !ok || !requiredSecret.MatchString(v) {
			t.Errorf("service %s: AUTH_JWT_SECRET is %q, want ${AUTH_JWT_SECRET:?message}", name, v)
		}
	}
	if taskstream == 0 {
		t.Fatal("docker-compose.yml has no taskstream service")
	}
	if len(main.Include) != 1 || main.Include[0] != "compose.services.yml" {
		t.Errorf("docker-compose.yml includes %v, want compose.services.yml", main.Include)
	}
	deps := readCompose(t, "compose.services.yml")
	for _, want := range []string{"postgres", "kafka", "mailpit"} {
		if _, ok := deps.Services[want]; !ok {
			t.Errorf("compose.services.yml has no %s", want)
		}
	}
	for name, svc := range deps.Services {
		for k, v := range svc.Environment {
			if strings.Contains(k+v, "AUTH_JWT_SECRET") {
				t.Errorf("compose.services.yml service %s needs %s: the dependencies must start without it", name, k)
			}
		}
	}
}
