package di

import (
	"github.com/taskstream/taskstream/adapters/messages/asyncapi"
	"github.com/taskstream/taskstream/config"
)

// asyncAPIDocument is the AsyncAPI document of the configured topics and consumer groups,
// which the API serves at /asyncapi.json and renders at /docs/events.
func asyncAPIDocument(cfg config.Config) ([]byte, error) {
	t, g := cfg.Topics, cfg.Groups
	return asyncapi.Generate(asyncapi.Topology{
		Topics: asyncapi.Topics{
			TodoCreate: t.TodoCreate, TaskEvents: t.TaskEvents, TaskUpdates: t.TaskUpdates,
			NotificationRequest: t.NotificationRequest, NotificationCreated: t.NotificationCreated,
			TestSubmissions: t.TestSubmissions, TestResultsReady: t.TestResultsReady, Poison: t.Poison,
		},
		Groups: asyncapi.Groups{
			Todo: g.Todo, Audit: g.Audit, WebSocket: g.WebSocket, Notification: g.Notification,
			Results: g.Results, Analytics: g.Analytics,
		},
		Partitions: t.Partitions,
	})
}
