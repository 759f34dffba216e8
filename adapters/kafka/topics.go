package kafka

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// EnsureTopics creates the topics that do not exist yet, with partitions and replicationFactor
// (-1: the broker's default.replication.factor). Existing topics are left as they are, so an
// operator who manages topics elsewhere loses nothing; set KAFKA_CREATE_TOPICS=false to skip.
// It returns once every partition of the topics it created answers on its leader: a consumer
// started right after a creation could otherwise fail with "not the leader for some partition"
// (the broker accepts the creation before the leaders are elected).
func EnsureTopics(c Config, topics []string, partitions int32, replicationFactor int16) error {
	sc, err := clientConfig(c)
	if err != nil {
		return err
	}
	admin, err := sarama.NewClusterAdmin(c.Brokers, sc)
	if err != nil {
		return connectError(c, err)
	}
	defer func() { _ = admin.Close() }()
	var created []string
	for _, t := range topics {
		err := admin.CreateTopic(t, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: replicationFactor}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", t, err)
		}
		if err == nil {
			created = append(created, t)
		}
	}
	if len(created) == 0 {
		return nil
	}
	return awaitLeaders(c.Brokers, sc, created, leaderTimeout)
}

// leaderTimeout bounds how long EnsureTopics waits for the leaders of the topics it created.
const leaderTimeout = 30 * time.Second

// awaitLeaders waits until every partition of topics answers an offset request on its leader.
func awaitLeaders(brokers []string, sc *sarama.Config, topics []string, timeout time.Duration) error {
	client, err := sarama.NewClient(brokers, sc)
	if err != nil {
		return fmt.Errorf("connect to Kafka at %v: %w", brokers, err)
	}
	defer func() { _ = client.Close() }()
	deadline := time.Now().Add(timeout)
	for {
		err := leadersAnswer(client, topics)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("created topics have no leader after %s: %w", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func leadersAnswer(client sarama.Client, topics []string) error {
	if err := client.RefreshMetadata(topics...); err != nil {
		return err
	}
	for _, t := range topics {
		parts, err := client.Partitions(t)
		if err != nil {
			return err
		}
		for _, p := range parts {
			if _, err := client.GetOffset(t, p, sarama.OffsetNewest); err != nil {
				return fmt.Errorf("%s/%d: %w", t, p, err)
			}
		}
	}
	return nil
}

// CheckTopics fails unless every topic exists, for KAFKA_CREATE_TOPICS=false: a missing poison
// topic would otherwise surface only when the first bad message cannot be parked.
func CheckTopics(c Config, topics []string) error {
	sc, err := clientConfig(c)
	if err != nil {
		return err
	}
	client, err := sarama.NewClient(c.Brokers, sc)
	if err != nil {
		return connectError(c, err)
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
