package di

import (
	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/ports/messaging"
)

// The process's metrics observe the consumer pipeline's stages (latencies, retries, parked
// messages by reason class): the pipeline finds them on its Policy's Metrics, so this is where
// a rename on either side fails the build instead of silently dropping the figures. (An adapter
// does not import a port, so adapters/metrics cannot say it itself.)
var _ messaging.StageMetrics = (*metrics.Prometheus)(nil)
