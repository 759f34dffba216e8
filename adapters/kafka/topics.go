package kafka

import (
	"errors"
	"fmt"

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
