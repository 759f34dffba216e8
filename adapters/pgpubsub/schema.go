package pgpubsub

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"regexp"
	"sync"

	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
)

// schema is the table layout of every topic (ADR 6): watermill-sql's default PostgreSQL schema,
// which keeps one position per consumer group and hands the rows over in commit order. Payloads
// are bytea, not json: a poison topic must take any bytes, above all the ones that are not valid
// JSON.
var schema = wmsql.DefaultPostgreSQLSchema{
	GeneratePayloadType: func(string) string { return "BYTEA" },
}

// offsets stores each consumer group's position in watermill_offsets_<topic>.
var offsets = wmsql.DefaultPostgreSQLOffsetsAdapter{}

// Schema is the schema adapter of the topic tables. A writer that publishes events in its own
// transaction (the outbox's direct mode) must use it, so that the subscribers read what it
// wrote. It must not set AutoInitializeSchema: New creates the tables of every configured topic.
func Schema() wmsql.SchemaAdapter { return schema }

// sqlTopic is what watermill-sql accepts as a topic: the topic is part of a table name.
var sqlTopic = regexp.MustCompile(`^[A-Za-z0-9\-$:._]+$`)

// ValidateTopic refuses a topic watermill-sql cannot turn into a table name; what names the
// setting in the error.
func ValidateTopic(what, topic string) error {
	if !sqlTopic.MatchString(topic) {
		return fmt.Errorf("%s %q must be letters, digits and -$:._ only", what, topic)
	}
	return nil
}

// topicTables creates topic tables, once per topic per process.
type topicTables struct {
	db   *sql.DB
	done sync.Map // topic → struct{}
}

// ensure creates topic's message and offsets tables, and the index retention deletes by, if they
// do not exist. Every statement runs in one transaction under watermill-sql's advisory lock
// for schema changes, so replicas that start together do not race on CREATE TABLE IF NOT EXISTS.
func (t *topicTables) ensure(ctx context.Context, topic string) error {
	if _, ok := t.done.Load(topic); ok {
		return nil
	}
	// The name goes into SQL as a table name.
	if err := ValidateTopic("topic", topic); err != nil {
		return err
	}
	queries, err := schema.SchemaInitializingQueries(wmsql.SchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return err
	}
	offsetQueries, err := offsets.SchemaInitializingQueries(wmsql.OffsetsSchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return err
	}
	queries = append(queries, offsetQueries...)
	queries = append(queries, wmsql.Query{Query: fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (created_at)`,
		createdAtIndex(topic), schema.MessagesTable(topic))})
	if err := inTx(ctx, t.db, queries); err != nil {
		return fmt.Errorf("create the tables of topic %s: %w", topic, err)
	}
	t.done.Store(topic, struct{}{})
	return nil
}

// createdAtIndex names the created_at index of topic's table: a hash keeps it within
// PostgreSQL's 63 bytes whatever the topic's length.
func createdAtIndex(topic string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(topic))
	return fmt.Sprintf(`"watermill_created_at_%016x"`, h.Sum64())
}

func inTx(ctx context.Context, db *sql.DB, queries []wmsql.Query) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, q := range queries {
		if _, err := tx.ExecContext(ctx, q.Query, q.Args...); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}
