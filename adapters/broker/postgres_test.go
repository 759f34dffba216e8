package broker_test

import (
	"errors"
	"testing"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/brokertest"
)

// postgresPoison is the poison topic of the PostgreSQL brokers of these tests.
const postgresPoison = "taskstream.poison"

// TestPostgresContract runs the broker contract on the PostgreSQL pub/sub, each subtest on its
// own database. It keeps per-key order and messages for consumer groups, as Kafka does.
func TestPostgresContract(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	brokertest.Run(t, func(t *testing.T) broker.Broker {
		b, err := broker.NewPostgres(t.Context(), pgtest.NewDB(t), []string{postgresPoison}, postgresPoison, brokertest.Logger(t))
		if err != nil {
			t.Fatalf("NewPostgres: %v", err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	}, postgresPoison, brokertest.Features{KeyOrder: true, Durable: true, CommitsAfterStop: true})
}

func TestPostgresBrokerNeedsADatabaseAndChecksIt(t *testing.T) {
	t.Parallel()
	if _, err := broker.NewPostgres(t.Context(), nil, nil, postgresPoison, brokertest.Logger(t)); err == nil {
		t.Error("NewPostgres without a database: nil error")
	}
	if testing.Short() {
		return
	}
	db := pgtest.NewDB(t)
	b, err := broker.NewPostgres(t.Context(), db, []string{postgresPoison}, postgresPoison, brokertest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(t.Context()); err != nil {
		t.Errorf("Check on a live database: %v", err)
	}
	if b.TooLarge(errors.New("anything")) {
		t.Error("TooLarge on postgres: true")
	}
	_ = db.Close()
	if err := b.Check(t.Context()); err == nil {
		t.Error("Check passed after the database was closed")
	}
}
