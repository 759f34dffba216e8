package architecture_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/taskstream/taskstream/"

// rule says what the non-test code of the packages under Layer may import from this module,
// and whether it may import anything outside the standard library.
type rule struct {
	Layer        string
	MayImport    []string
	ThirdParty   bool
	OnlyOwnScope bool // domain contexts: only themselves and the shared kernel
	NoIO         bool // none of innerForbiddenStd: the layer reaches the world through ports
}

// The dependency rule (README "Architecture"): domain ← application ← ports; adapters implement
// application and domain interfaces; platform and config know no business; only di/, cmd/,
// tools/ and tests/ see everything.
var rules = []rule{
	{Layer: "domain/shared", MayImport: nil, NoIO: true},
	{Layer: "domain/", MayImport: []string{"domain/shared"}, OnlyOwnScope: true, NoIO: true},
	{Layer: "application", MayImport: []string{"domain/", "application"}, NoIO: true},
	{Layer: "ports/", MayImport: []string{"domain/", "application", "platform/", "ports/"}, ThirdParty: true},
	{Layer: "adapters/", MayImport: []string{"domain/", "application", "platform/", "config", "adapters/", "migrations"}, ThirdParty: true},
	{Layer: "platform/", MayImport: []string{"platform/"}, ThirdParty: true},
	{Layer: "config", MayImport: nil},
	{Layer: "migrations", MayImport: nil},
}

// Trees of the standard library that do I/O the inner layers must leave to adapters: each entry
// forbids the package and everything under it (net forbids net/http, os forbids os/exec).
var innerForbiddenStd = []string{"database/sql", "net", "os", "syscall", "io/fs", "plugin"}

type pkg struct {
	ImportPath string
	Imports    []string
}

func TestDependencyRule(t *testing.T) {
	t.Parallel()
	pkgs := listPackages(t)
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages; is the test running in the module?", len(pkgs))
	}
	checked := 0
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, module)
		r, ok := ruleFor(rel)
		if !ok {
			continue
		}
		checked++
		for _, imp := range p.Imports {
			if msg := violation(r, rel, imp); msg != "" {
				t.Errorf("%s imports %s: %s", rel, imp, msg)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no package matched a rule")
	}
	t.Logf("checked the imports of %d packages", checked)
}

func ruleFor(rel string) (rule, bool) {
	for _, r := range rules {
		if rel == r.Layer || strings.HasPrefix(rel, r.Layer+"/") || (strings.HasSuffix(r.Layer, "/") && strings.HasPrefix(rel, r.Layer)) {
			return r, true
		}
	}
	return rule{}, false
}

func violation(r rule, rel, imp string) string {
	if !strings.HasPrefix(imp, module) {
		if isStd(imp) {
			if r.NoIO && underAny(innerForbiddenStd, imp) {
				return "inner layers do no I/O; declare an interface and implement it in adapters/"
			}
			return ""
		}
		if !r.ThirdParty {
			return "this layer imports only the standard library and the project"
		}
		return ""
	}
	target := strings.TrimPrefix(imp, module)
	if r.OnlyOwnScope && sameContext(rel, target) {
		return ""
	}
	if r.OnlyOwnScope && target != "domain/shared" {
		return "bounded contexts do not import each other; they talk through events"
	}
	for _, allowed := range r.MayImport {
		if target == allowed || strings.HasPrefix(target, strings.TrimSuffix(allowed, "/")+"/") {
			return ""
		}
	}
	return "not allowed by the dependency rule of " + r.Layer
}

func sameContext(a, b string) bool {
	ctx := func(p string) string { return strings.SplitN(strings.TrimPrefix(p, "domain/"), "/", 2)[0] }
	return strings.HasPrefix(b, "domain/") && ctx(a) == ctx(b)
}

func isStd(imp string) bool { return !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") }

// underAny reports whether imp is one of trees or a package under one.
func underAny(trees []string, imp string) bool {
	for _, s := range trees {
		if imp == s || strings.HasPrefix(imp, s+"/") {
			return true
		}
	}
	return false
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", module+"...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestRulesCatchAViolation makes sure the checker itself fails on wrong imports.
func TestRulesCatchAViolation(t *testing.T) {
	t.Parallel()
	cases := []struct{ from, imp string }{
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
	}
	for _, c := range cases {
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
