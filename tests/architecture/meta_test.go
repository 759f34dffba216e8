package architecture_test

import "testing"

// The checker itself fails on wrong imports and unknown folders, so that the rule cannot pass
// vacuously; and it lets the imports the layout relies on through.
func TestRulesCatchAViolation(t *testing.T) {
	t.Parallel()
	refused := []struct{ from, imp string }{
		{"domain/todo", "github.com/gin-gonic/gin"},
		{"domain/todo", module + "domain/task"},
		{"domain/todo", "database/sql"},
		{"domain/todo", "database/sql/driver"},
		{"application/command", "net/http"},
		{"application/query", "os"},
		{"domain/shared", "os/exec"},
		{"application/command", module + "adapters/postgres"},
		{"application", "github.com/IBM/sarama"},
		{"ports/http", module + "adapters/memory"},
		{"adapters/postgres", module + "ports/http"},
		{"adapters/kafka", module + "di"},
		{"platform/batch", module + "domain/todo"},
		{"config", "github.com/google/uuid"},
		// A port importing another port.
		{"ports/http", module + "ports/messaging"},
		{"ports/messaging", module + "ports/schedule"},
		// Adapter-to-adapter imports that adapterEdges does not list.
		{"adapters/kafka", module + "adapters/broker"},
		{"adapters/memory", module + "adapters/postgres"},
		{"adapters/outbox", module + "adapters/postgres"},
		{"adapters/postgres/pgtest", module + "adapters/memory"},
		{"ports/messaging", module + "adapters/broker"},
		// Adapters take their own configuration; di maps it.
		{"adapters/kafka", module + "config"},
	}
	for _, c := range refused {
		r, ok := ruleFor(c.from)
		if !ok {
			t.Fatalf("no rule for %s", c.from)
		}
		if violation(r, c.from, c.imp) == "" {
			t.Errorf("%s importing %s was allowed", c.from, c.imp)
		}
	}
	allowed := []struct{ from, imp string }{
		{"adapters/postgres", module + "domain/todo"},
		{"adapters/postgres", module + "adapters/postgres/internal/db"},
		{"adapters/postgres", module + "adapters/outbox"},
		{"adapters/broker", module + "adapters/kafka"},
		{"adapters/postgres/pgtest", module + "adapters/postgres"},
		{"ports/http", module + "platform/live"},
		{"di", module + "ports/http"},
		{"tests/brokertest", module + "ports/messaging"},
		{"domain/todo", "unicode/utf8"},
		{"config", "net"}, // config parses addresses; it does no I/O of its own
	}
	for _, c := range allowed {
		r, _ := ruleFor(c.from)
		if msg := violation(r, c.from, c.imp); msg != "" {
			t.Errorf("%s importing %s was refused: %s", c.from, c.imp, msg)
		}
	}
}

func TestUnknownFoldersAreCaught(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"internal", "pkg", "services", "web"} {
		if unknownFolder(name, true) == "" {
			t.Errorf("top-level folder %s/ passed without a rule", name)
		}
	}
	for _, name := range []string{"domain", "adapters", "di", "docs", "scripts", "tests", ".git"} {
		if msg := unknownFolder(name, true); msg != "" {
			t.Errorf("known folder %s/ refused: %s", name, msg)
		}
	}
	if unknownFolder("README.md", false) != "" {
		t.Error("a file was taken for a folder")
	}
}
