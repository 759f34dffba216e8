package architecture_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/taskstream/taskstream/"

// rule says what the non-test code of the packages under Layer may import from this module,
// and whether it may import anything outside the standard library.
type rule struct {
	Layer        string
	MayImport    []string
	Everything   bool // the composition root, the binary, tools and tests see every layer
	ThirdParty   bool
	OnlyOwnScope bool // domain contexts: only themselves and the shared kernel
	NoIO         bool // none of innerForbiddenStd: the layer reaches the world through ports
	// OwnUnit: a port or an adapter may import its own subpackages (adapters/postgres its
	// internal/db), and adapters only the other adapters adapterEdges lists; ports none.
	OwnUnit bool
}

// The dependency rule (README "Architecture", docs/adr/0011): domain ← application ← ports;
// adapters implement application and domain interfaces; platform and config know no business;
// only di/, cmd/, tools/ and tests/ see everything. Every top-level folder of the module has a
// rule here or in foldersWithoutGo.
var rules = []rule{
	{Layer: "domain/shared", MayImport: nil, NoIO: true},
	{Layer: "domain/", MayImport: []string{"domain/shared"}, OnlyOwnScope: true, NoIO: true},
	{Layer: "application", MayImport: []string{"domain/", "application"}, NoIO: true},
	{Layer: "ports/", MayImport: []string{"domain/", "application", "platform/"}, ThirdParty: true, OwnUnit: true},
	{Layer: "adapters/", MayImport: []string{"domain/", "application", "platform/", "migrations"}, ThirdParty: true, OwnUnit: true},
	{Layer: "platform/", MayImport: []string{"platform/"}, ThirdParty: true},
	{Layer: "config", MayImport: nil},
	{Layer: "migrations", MayImport: nil},
	{Layer: "di", Everything: true, ThirdParty: true},
	{Layer: "cmd/", Everything: true, ThirdParty: true},
	{Layer: "tools/", Everything: true, ThirdParty: true},
	{Layer: "tests/", Everything: true, ThirdParty: true},
}

// adapterEdges are the only imports allowed from one adapter to another, each for a reason:
// an outbound concept has one home, and the adapters that build on it say so here.
var adapterEdges = map[string][]string{
	// Broker selection builds each broker from its client and reads its parked messages.
	"adapters/broker": {"adapters/kafka", "adapters/pgpubsub", "adapters/outbox", "adapters/poison"},
	// The outbox's direct mode writes to the PostgreSQL pub/sub's topic tables.
	"adapters/outbox": {"adapters/pgpubsub"},
	// The PostgreSQL stores write their events (messages) through the outbox, in their
	// transaction; direct mode validates topics as the pub/sub does.
	"adapters/postgres": {"adapters/messages", "adapters/outbox", "adapters/pgpubsub"},
	// The memory stores publish the same messages as the PostgreSQL ones.
	"adapters/memory": {"adapters/messages"},
}

// foldersWithoutGo are top-level folders that hold no Go package.
var foldersWithoutGo = []string{"docs", "scripts", "deploy"}

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
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, module)
		r, ok := ruleFor(rel)
		if !ok {
			t.Errorf("%s: no rule says what it may import; add one to tests/architecture", rel)
			continue
		}
		for _, imp := range p.Imports {
			if msg := violation(r, rel, imp); msg != "" {
				t.Errorf("%s imports %s: %s", rel, imp, msg)
			}
		}
	}
	t.Logf("checked the imports of %d packages", len(pkgs))
}

// Every top-level folder is known: a new one needs a rule, so that no code escapes the
// dependency rule by living somewhere new.
func TestEveryTopLevelFolderHasARule(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(moduleRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if msg := unknownFolder(e.Name(), e.IsDir()); msg != "" {
			t.Error(msg)
		}
	}
}

// unknownFolder reports a top-level folder that has neither a rule nor a place in
// foldersWithoutGo; hidden folders (.git, .ci) and files are not code folders.
func unknownFolder(name string, isDir bool) string {
	if !isDir || strings.HasPrefix(name, ".") || slices.Contains(foldersWithoutGo, name) {
		return ""
	}
	if _, ok := ruleFor(name); ok {
		return ""
	}
	if _, ok := ruleFor(name + "/x"); ok {
		return ""
	}
	return "top-level folder " + name + "/ has no rule in tests/architecture (rules or foldersWithoutGo)"
}

func ruleFor(rel string) (rule, bool) {
	for _, r := range rules {
		layer := strings.TrimSuffix(r.Layer, "/")
		if rel == layer || strings.HasPrefix(rel, layer+"/") {
			return r, true
		}
	}
	return rule{}, false
}

func violation(r rule, rel, imp string) string {
	if !strings.HasPrefix(imp, module) {
		return stdOrThirdParty(r, imp)
	}
	target := strings.TrimPrefix(imp, module)
	switch {
	case r.Everything:
		return ""
	case r.OnlyOwnScope && sameContext(rel, target):
		return ""
	case r.OnlyOwnScope && target != "domain/shared":
		return "bounded contexts do not import each other; they talk through events"
	case r.OwnUnit && sameUnit(rel, target):
		return ""
	case r.OwnUnit && strings.HasPrefix(rel, "ports/") && strings.HasPrefix(target, "ports/"):
		return "ports do not import each other; what two ports share belongs in application/ or platform/"
	case r.OwnUnit && strings.HasPrefix(target, "adapters/"):
		if slices.Contains(adapterEdges[unit(rel)], unit(target)) {
			return ""
		}
		return "this adapter-to-adapter import is not in adapterEdges; give the concept one home or list the edge with its reason"
	}
	for _, allowed := range r.MayImport {
		if target == allowed || strings.HasPrefix(target, strings.TrimSuffix(allowed, "/")+"/") {
			return ""
		}
	}
	return "not allowed by the dependency rule of " + r.Layer
}

func stdOrThirdParty(r rule, imp string) string {
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

// unit is the port or adapter a package belongs to: its first two path elements
// (adapters/postgres for adapters/postgres/pgtest and adapters/postgres/internal/db).
func unit(rel string) string {
	parts := strings.SplitN(rel, "/", 3)
	if len(parts) < 2 {
		return rel
	}
	return parts[0] + "/" + parts[1]
}

// sameUnit reports whether target belongs to rel's own port or adapter.
func sameUnit(rel, target string) bool { return unit(rel) == unit(target) }

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

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	return filepath.Clean(strings.TrimSpace(string(out)))
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
