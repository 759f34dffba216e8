package kafka_test

import (
	"testing"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"

	"github.com/taskstream/taskstream/adapters/kafka"
)

// TestSCRAMClientAuthenticates runs the SCRAM conversation of the configured client against a
// SCRAM server that knows alice's password, for both hashes.
func TestSCRAMClientAuthenticates(t *testing.T) {
	t.Parallel()
	for mechanism, hash := range map[string]scram.HashGeneratorFcn{"SCRAM-SHA-256": scram.SHA256, "SCRAM-SHA-512": scram.SHA512} {
		t.Run(mechanism, func(t *testing.T) {
			t.Parallel()
			sc, err := kafka.ConsumerConfig(kafka.Config{
				Brokers: []string{"k:9092"}, SecurityProtocol: "SASL_PLAINTEXT",
				SASLMechanism: mechanism, SASLUsername: "alice", SASLPassword: "secret",
			})
			if err != nil {
				t.Fatalf("ConsumerConfig: %v", err)
			}
			server := scramServer(t, hash, "alice", "secret")
			if err := converse(sc.Net.SASL.SCRAMClientGeneratorFunc(), server); err != nil {
				t.Fatalf("SCRAM conversation: %v", err)
			}
			if !server.Valid() {
				t.Error("the server did not accept the client's proof")
			}
		})
	}
}

func scramServer(t *testing.T, hash scram.HashGeneratorFcn, user, password string) *scram.ServerConversation {
	t.Helper()
	client, err := hash.NewClient(user, password, "")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := client.GetStoredCredentialsWithError(scram.KeyFactors{Salt: "pepper", Iters: 4096})
	if err != nil {
		t.Fatal(err)
	}
	server, err := hash.NewServer(func(string) (scram.StoredCredentials, error) { return stored, nil })
	if err != nil {
		t.Fatal(err)
	}
	return server.NewConversation()
}

// converse plays the client's side as sarama does: first message, proof, server signature.
func converse(c sarama.SCRAMClient, server *scram.ServerConversation) error {
	if err := c.Begin("alice", "secret", ""); err != nil {
		return err
	}
	challenge := ""
	for !c.Done() {
		msg, err := c.Step(challenge)
		if err != nil {
			return err
		}
		if c.Done() {
			break
		}
		if challenge, err = server.Step(msg); err != nil {
			return err
		}
	}
	return nil
}
