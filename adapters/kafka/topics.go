package kafka

import (
	"errors"
	"fmt"
	"slices"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/config"
)

// EnsureTopics creates the topics that do not exist yet, with partitions and replicationFactor
// (-1: the broker's default.replication.factor). Existing topics are left as they are, so an
// operator who manages topics elsewhere loses nothing; set KAFKA_CREATE_TOPICS=false to skip.
func EnsureTopics(c config.Kafka, topics []string, partitions int32, replicationFactor int16) error {
	sc, err := clientConfig(c)
	if err != nil {
		return err
	}
	admin, err := sarama.NewClusterAdmin(c.Brokers, sc)
	if err != nil {
		return fmt.Errorf("connect to Kafka at %v: %w", c.Brokers, err)
	}
	defer func() { _ = admin.Close() }()
	for _, t := range topics {
		err := admin.CreateTopic(t, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: replicationFactor}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", t, err)
		}
	}
	return nil
}

// CheckTopics fails unless every topic exists, for KAFKA_CREATE_TOPICS=false: a missing poison
// topic would otherwise surface only when the first bad message cannot be parked.
func CheckTopics(c config.Kafka, topics []string) error {
	sc, err := clientConfig(c)
	if err != nil {
		return err
	}
	client, err := sarama.NewClient(c.Brokers, sc)
	if err != nil {
		return fmt.Errorf("connect to Kafka at %v: %w", c.Brokers, err)
	}
	defer func() { _ = client.Close() }()
	existing, err := client.Topics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	var missing []string
	for _, t := range topics {
		if !slices.Contains(existing, t) {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("topics %v do not exist; create them or set KAFKA_CREATE_TOPICS=true", missing)
	}
	return nil
}
