package broker

import (
	"context"
	"time"
)

// PruneOlderThan deletes the rows of topic older than age, as the postgres broker's pruner
// does every ten minutes, and returns how many it deleted.
func PruneOlderThan(ctx context.Context, b *Broker, topic string, age time.Duration) (int64, error) {
	return prune(ctx, b.db, topic, age)
}
