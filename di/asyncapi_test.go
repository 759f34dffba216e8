package di_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/di"
)

// The API serves the AsyncAPI document of its own configuration: every topic of
// config.Topics.All() at its configured name, and every configured consumer group. A topic
// added to the configuration fails here until the document has its channel.
func TestAPIServesTheAsyncAPIDocumentOfItsConfiguredTopics(t *testing.T) {
	t.Parallel()
	env := map[string]string{"AUTH_JWT_SECRET": strings.Repeat("x", 32)}
	for _, k := range []string{"TODO_CREATE", "TASK_EVENTS", "TASK_UPDATES", "NOTIFICATION_REQUEST",
		"NOTIFICATION_CREATED", "TEST_SUBMISSIONS", "TEST_RESULTS_READY", "POISON"} {
		env["KAFKA_TOPIC_"+k] = "custom." + strings.ToLower(k)
	}
	for _, k := range []string{"TODO", "AUDIT", "WEBSOCKET", "NOTIFICATION", "RESULTS", "ANALYTICS"} {
		env["KAFKA_CONSUMER_GROUP_"+k] = "group-" + strings.ToLower(k)
	}
	cfg := load(t, env)
	svc, cleanup, err := di.New(t.Context(), "all", cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	rec := httptest.NewRecorder()
	svc.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/asyncapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /asyncapi.json: %d", rec.Code)
	}
	var doc struct {
		Channels   map[string]struct{ Address string }
		Operations map[string]struct {
			Group string `json:"x-consumer-group"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var addresses, groups []string
	for _, c := range doc.Channels {
		addresses = append(addresses, c.Address)
	}
	for _, o := range doc.Operations {
		groups = append(groups, strings.TrimSuffix(o.Group, "-{instance}"))
	}
	for _, topic := range cfg.Topics.All() {
		if !slices.Contains(addresses, topic) {
			t.Errorf("topic %s has no channel; channels: %v", topic, addresses)
		}
	}
	g := cfg.Groups
	for _, group := range []string{g.Todo, g.Audit, g.WebSocket, g.WebSocket + "-notifications", g.Notification, g.Results, g.Analytics} {
		if !slices.Contains(groups, group) {
			t.Errorf("group %s receives nothing in the document; groups: %v", group, groups)
		}
	}
}
