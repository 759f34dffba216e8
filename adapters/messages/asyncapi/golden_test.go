package asyncapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/messages/asyncapi"
	"github.com/taskstream/taskstream/config"
)

var update = flag.Bool("update", false, "rewrite testdata/asyncapi.json from the generator")

const golden = "testdata/asyncapi.json"

// defaultTopology is the topology of the default configuration, mapped as di maps it.
func defaultTopology(t *testing.T) asyncapi.Topology {
	t.Helper()
	cfg, err := config.Load(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	tp, g := cfg.Topics, cfg.Groups
	return asyncapi.Topology{
		Topics: asyncapi.Topics{
			TodoCreate: tp.TodoCreate, TaskEvents: tp.TaskEvents, TaskUpdates: tp.TaskUpdates,
			NotificationRequest: tp.NotificationRequest, NotificationCreated: tp.NotificationCreated,
			TestSubmissions: tp.TestSubmissions, TestResultsReady: tp.TestResultsReady, Poison: tp.Poison,
		},
		Groups: asyncapi.Groups{
			Todo: g.Todo, Audit: g.Audit, WebSocket: g.WebSocket, Notification: g.Notification,
			Results: g.Results, Analytics: g.Analytics,
		},
		Partitions: tp.Partitions,
	}
}

func generate(t *testing.T) []byte {
	t.Helper()
	doc, err := asyncapi.Generate(defaultTopology(t))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func decode(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The committed document of the default configuration is what the generator writes: a change
// of an event type, a payload field, a topic or a group shows in review as a change of
// testdata/asyncapi.json (go test ./adapters/messages/asyncapi -update rewrites it).
func TestGoldenDocumentOfTheDefaultConfiguration(t *testing.T) {
	t.Parallel()
	doc := generate(t)
	if *update {
		if err := os.WriteFile(golden, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(filepath.Clean(golden))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, want) {
		t.Errorf("the generated AsyncAPI document differs from %s; review the change and run "+
			"go test ./adapters/messages/asyncapi -update", golden)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	if !bytes.Equal(generate(t), generate(t)) {
		t.Error("two runs gave different documents")
	}
}

func TestGenerateRefusesAMissingName(t *testing.T) {
	t.Parallel()
	tp := defaultTopology(t)
	tp.Topics.Poison = ""
	if _, err := asyncapi.Generate(tp); err == nil {
		t.Error("no error for an empty topic name")
	}
}

func TestDocumentIsAsyncAPI3WithEveryReferenceResolved(t *testing.T) {
	t.Parallel()
	doc := decode(t, generate(t))
	if doc["asyncapi"] != "3.0.0" {
		t.Errorf("asyncapi = %v", doc["asyncapi"])
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch n := v.(type) {
		case map[string]any:
			if r, ok := n["$ref"].(string); ok {
				if _, err := resolve(doc, r); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			}
			for k, c := range n {
				walk(path+"/"+k, c)
			}
		case []any:
			for _, c := range n {
				walk(path+"/[]", c)
			}
		}
	}
	walk("#", doc)
}

// resolve follows a local JSON pointer.
func resolve(doc map[string]any, ref string) (any, error) {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok || m[part] == nil {
			return nil, &refError{ref}
		}
		cur = m[part]
	}
	return cur, nil
}

type refError struct{ ref string }

func (e *refError) Error() string { return "unresolved $ref " + e.ref }
