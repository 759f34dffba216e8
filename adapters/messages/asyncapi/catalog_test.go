package asyncapi_test

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// stringConsts returns the string constants of the package in dir whose names match name.
func stringConsts(t *testing.T, dir string, name *regexp.Regexp) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range parseDir(t, dir) {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i >= len(vs.Values) || !name.MatchString(n.Name) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						out[n.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	return out
}

// Every event type a domain context declares (its Event* constants) is a message of the
// document: a new event fails here until the catalogue lists it.
func TestEveryDomainEventTypeIsAMessage(t *testing.T) {
	t.Parallel()
	doc := decode(t, generate(t))
	var names []string
	for _, m := range doc["components"].(map[string]any)["messages"].(map[string]any) {
		names = append(names, m.(map[string]any)["name"].(string))
	}
	dirs, err := filepath.Glob("../../../domain/*")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, dir := range dirs {
		for cname, typ := range stringConsts(t, dir, regexp.MustCompile(`^Event[A-Z]\w*$`)) {
			if strings.HasSuffix(cname, "Version") {
				continue
			}
			found++
			if !slices.Contains(names, typ) {
				t.Errorf("%s.%s = %q is no message of the AsyncAPI document; add it to catalog.go", filepath.Base(dir), cname, typ)
			}
		}
	}
	if found < 7 {
		t.Fatalf("found only %d event types in domain/; has the layout changed?", found)
	}
}

// The receive operations name the handlers of ports/messaging, every one of them, each in the
// consumer group the default configuration gives it.
func TestReceiversAreTheConsumersOfPortsMessaging(t *testing.T) {
	t.Parallel()
	doc := decode(t, generate(t))
	handlers := map[string]string{}
	for _, op := range doc["operations"].(map[string]any) {
		o := op.(map[string]any)
		if o["action"] == "receive" {
			handlers[o["x-handler"].(string)] = o["x-consumer-group"].(string)
		}
	}
	declared := stringConsts(t, "../../../ports/messaging", regexp.MustCompile(`HandlerName$`))
	if len(declared) < 8 {
		t.Fatalf("found only %d handler names in ports/messaging", len(declared))
	}
	for cname, h := range declared {
		if _, ok := handlers[h]; !ok {
			t.Errorf("messaging.%s = %q has no receive operation; add it to catalog.go", cname, h)
		}
	}
	for h := range handlers {
		if !slices.Contains(mapsValues(declared), h) {
			t.Errorf("receive operation of %q names no handler of ports/messaging", h)
		}
	}
	g := defaultTopology(t).Groups
	for h, want := range map[string]string{
		"todo-ingest": g.Todo, "task-audit": g.Audit, "result-calculator": g.Results, "test-analytics": g.Analytics,
		"notification-service": g.Notification, "notification-test-results": g.Notification,
		"websocket-task-updates": g.WebSocket + "-{instance}", "websocket-notifications": g.WebSocket + "-notifications-{instance}",
	} {
		if handlers[h] != want {
			t.Errorf("%s reads in group %q, want %q", h, handlers[h], want)
		}
	}
}

func mapsValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
