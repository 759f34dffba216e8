//go:build wireinject

package di

import (
	"context"
	"log/slog"

	"github.com/google/wire"

	"github.com/taskstream/taskstream/config"
)

// NewService assembles the whole process from cfg. The cleanup closes the broker's publisher
// (flushing it) and the database pool.
func NewService(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Service, func(), error) {
	wire.Build(
		provideRegistry,
		provideMetrics,
		provideDatabase,
		provideTodoRepository,
		provideBroker,
		provideTodoEvents,
		provideTaskStores,
		provideTestStores,
		provideNotificationStores,
		provideNotificationDelivery,
		provideDeadlineReminderConfig,
		provideApplication,
		provideAuthenticator,
		provideHub,
		provideHTTP,
		provideWorkers,
		provideService,
	)
	return nil, nil, nil
}
