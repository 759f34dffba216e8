package asyncapi

import "errors"

// Topology is what the document is generated from besides the event types: the configured
// topic and consumer-group names (KAFKA_TOPIC_*, KAFKA_CONSUMER_GROUP_*). di fills it from
// config.Config; every name is required.
type Topology struct {
	Topics Topics
	Groups Groups
	// Partitions is the partition count of the topics Taskstream creates
	// (KAFKA_TOPIC_PARTITIONS); 0 leaves it out of the document.
	Partitions int
}

// Topics are the topic names, one per channel.
type Topics struct {
	TodoCreate, TaskEvents, TaskUpdates, NotificationRequest, NotificationCreated string
	TestSubmissions, TestResultsReady, Poison                                     string
}

// Groups are the consumer-group names. WebSocket is a prefix: every API instance reads in a
// group of its own (on Kafka, in none).
type Groups struct {
	Todo, Audit, WebSocket, Notification, Results, Analytics string
}

func (t Topology) validate() error {
	names := []string{
		t.Topics.TodoCreate, t.Topics.TaskEvents, t.Topics.TaskUpdates, t.Topics.NotificationRequest,
		t.Topics.NotificationCreated, t.Topics.TestSubmissions, t.Topics.TestResultsReady, t.Topics.Poison,
		t.Groups.Todo, t.Groups.Audit, t.Groups.WebSocket, t.Groups.Notification, t.Groups.Results, t.Groups.Analytics,
	}
	for _, n := range names {
		if n == "" {
			return errors.New("asyncapi: every topic and consumer-group name is required")
		}
	}
	return nil
}
