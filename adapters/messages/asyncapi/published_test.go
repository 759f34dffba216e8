package asyncapi_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
)

const user = "user-1"

var (
	now  = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	meta = shared.EventMeta{CorrelationID: "req-1", TraceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
)

// published calls every function of adapters/messages that makes a message, with a real
// domain value, and returns what it made by function name.
func published(t *testing.T, topics asyncapiTopics) map[string][]envelope.Routed {
	t.Helper()
	out := map[string][]envelope.Routed{}
	must := func(name string, rs []envelope.Routed, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = rs
	}
	one := func(name string, r envelope.Routed, err error) { must(name, []envelope.Routed{r}, err) }

	td, err := todo.New("0190a0c0-0000-7000-8000-000000000001", user, "Title", "Description", now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := messages.TodoCreateRequested(td, meta, topics.TodoCreate)
	one("TodoCreateRequested", r, err)

	due := now.Add(time.Hour)
	change := task.Change{Action: task.ActionUpdated, Fields: []string{task.FieldTitle, task.FieldDueAt}, Task: task.Snapshot{
		ID: "0190a0c0-0000-7000-8000-000000000002", UserID: user, Title: "T", Status: "todo", Priority: "medium",
		DueAt: &due, CreatedAt: now, UpdatedAt: now, Version: 2,
	}}
	rs, err := messages.TaskChange(change, meta, messages.TaskTopics{Events: topics.TaskEvents, Updates: topics.TaskUpdates})
	must("TaskChange", rs, err)

	req := notification.Requested{
		ID: "0190a0c0-0000-7000-8000-000000000003", UserID: user, TaskID: "0190a0c0-0000-7000-8000-000000000002",
		Type: notification.TypeTaskDueSoon, Title: "Due soon", Message: "T is due", Email: "a@example.com", Phone: "+15550100",
		Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail}, RequestedAt: now,
	}
	r, err = messages.NotificationRequested(req, meta, topics.NotificationRequest)
	one("NotificationRequested", r, err)
	n, err := notification.New(req, now)
	if err != nil {
		t.Fatal(err)
	}
	r, err = messages.NotificationCreated(n, topics.NotificationCreated)
	one("NotificationCreated", r, err)

	q, sub := scoredSubmission(t)
	qt := messages.QuizTopics{Submissions: topics.TestSubmissions, ResultsReady: topics.TestResultsReady}
	rs, err = messages.QuizSubmitted(sub, meta, qt)
	must("QuizSubmitted", rs, err)
	rs, err = messages.QuizScored(q, sub, meta, qt)
	must("QuizScored", rs, err)
	return out
}

type asyncapiTopics struct {
	TodoCreate, TaskEvents, TaskUpdates, NotificationRequest, NotificationCreated, TestSubmissions, TestResultsReady string
}

func scoredSubmission(t *testing.T) (*testresult.Quiz, *testresult.Submission) {
	t.Helper()
	q, err := testresult.NewQuiz("0190a0c0-0000-7000-8000-000000000004", user, "Quiz", []testresult.QuestionSpec{{
		ID: "q1", Text: "?", Kind: "single", Category: "go", Points: 2,
		Options: []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}, Correct: []string{"a"},
	}}, testresult.QuizSettings{}, now)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := testresult.NewSubmission("0190a0c0-0000-7000-8000-000000000005", q, user, map[string][]string{"q1": {"a"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Score(q, now); err != nil {
		t.Fatal(err)
	}
	return q, sub
}

// Every message adapters/messages makes is in the document: on a channel whose address is its
// topic, as a message of its ce_type whose header and payload schemas accept it.
func TestEveryPublishedMessageIsDocumented(t *testing.T) {
	t.Parallel()
	doc := decode(t, generate(t))
	tp := defaultTopology(t).Topics
	made := published(t, asyncapiTopics{tp.TodoCreate, tp.TaskEvents, tp.TaskUpdates, tp.NotificationRequest,
		tp.NotificationCreated, tp.TestSubmissions, tp.TestResultsReady})
	for name, rs := range made {
		if len(rs) == 0 {
			t.Errorf("%s made no message to check", name)
		}
		for _, r := range rs {
			msg := documentedMessage(t, doc, r.Topic, r.Message.Metadata.Get(envelope.KeyType))
			if msg == nil {
				continue
			}
			headers := map[string]any{}
			for k, v := range r.Message.Metadata {
				headers[k] = v
			}
			conforms(t, name+" headers", headers, msg["headers"].(map[string]any))
			var payload any
			if err := json.Unmarshal(r.Message.Payload, &payload); err != nil {
				t.Fatal(err)
			}
			conforms(t, name+" payload", payload, msg["payload"].(map[string]any))
		}
	}
}

// documentedMessage finds the message named eventType on the channel at topic.
func documentedMessage(t *testing.T, doc map[string]any, topic, eventType string) map[string]any {
	t.Helper()
	for id, c := range doc["channels"].(map[string]any) {
		ch := c.(map[string]any)
		if ch["address"] != topic {
			continue
		}
		for _, m := range ch["messages"].(map[string]any) {
			target, err := resolve(doc, m.(map[string]any)["$ref"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if msg := target.(map[string]any); msg["name"] == eventType {
				return msg
			}
		}
		t.Errorf("channel %s (%s) lists no message %s", id, topic, eventType)
		return nil
	}
	t.Errorf("no channel has the address %s, the topic of %s", topic, eventType)
	return nil
}

// conforms checks v against the parts of JSON Schema the generator writes: type, const,
// properties, required, additionalProperties false and items.
func conforms(t *testing.T, path string, v any, schema map[string]any) {
	t.Helper()
	if !typeMatches(v, schema["type"]) {
		t.Errorf("%s: %v does not have type %v", path, v, schema["type"])
		return
	}
	if c, ok := schema["const"]; ok && c != v {
		t.Errorf("%s: %v, the schema fixes %v", path, v, c)
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := val[r]; !ok {
				t.Errorf("%s: required %q is missing", path, r)
			}
		}
		for k, fv := range val {
			if ps, ok := props[k].(map[string]any); ok {
				conforms(t, path+"."+k, fv, ps)
			} else if schema["additionalProperties"] == false {
				t.Errorf("%s: field %q is not in the schema", path, k)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range val {
				conforms(t, fmt.Sprintf("%s[%d]", path, i), e, items)
			}
		}
	}
}

func typeMatches(v any, typ any) bool {
	if typ == nil {
		return true
	}
	var kind string
	switch n := v.(type) {
	case nil:
		kind = "null"
	case bool:
		kind = "boolean"
	case string:
		kind = "string"
	case float64:
		kind = "number"
		if n == float64(int64(n)) && slices.Contains(asStrings(typ), "integer") {
			kind = "integer"
		}
	case []any:
		kind = "array"
	case map[string]any:
		kind = "object"
	}
	return slices.Contains(asStrings(typ), kind)
}

func asStrings(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
	case []any:
		out := make([]string, 0, len(s))
		for _, e := range s {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

// The test above calls every function of adapters/messages that makes a message: a new one
// fails here until it is called there, and so documented.
func TestEveryMessageMakerOfTheAdapterIsChecked(t *testing.T) {
	t.Parallel()
	tp := defaultTopology(t).Topics
	covered := slices.Collect(maps.Keys(published(t, asyncapiTopics{tp.TodoCreate, tp.TaskEvents, tp.TaskUpdates,
		tp.NotificationRequest, tp.NotificationCreated, tp.TestSubmissions, tp.TestResultsReady})))
	for _, fn := range funcsReturning(t, "..", "Routed") {
		if !slices.Contains(covered, fn) {
			t.Errorf("adapters/messages.%s makes messages the AsyncAPI tests do not check; add it to published()", fn)
		}
	}
}

// funcsReturning lists the exported functions of the package in dir whose results mention
// the type name.
func funcsReturning(t *testing.T, dir, typeName string) []string {
	t.Helper()
	var out []string
	for _, f := range parseDir(t, dir) {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil {
				continue
			}
			for _, r := range fn.Type.Results.List {
				if strings.Contains(types(r.Type), typeName) {
					out = append(out, fn.Name.Name)
					break
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("found no function returning %s in %s", typeName, dir)
	}
	return out
}

func types(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.ArrayType:
		return types(x.Elt)
	case *ast.StarExpr:
		return types(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}
