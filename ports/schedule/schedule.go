package schedule

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Job is one run of a use case at now. A run that fails is logged and the schedule goes on: the
// next tick is the retry, so a job must be safe to run again (every use case a schedule runs
// is idempotent by its own rules).
type Job func(ctx context.Context, now time.Time) error

// Config configures Run.
type Config struct {
	// Name names the job in logs.
	Name string
	// Interval is the time between the starts of two runs. A run that takes longer delays the
	// next; runs never overlap.
	Interval time.Duration
	// Now tells the time each run is given. Defaults to time.Now.
	Now func() time.Time
	// Logger receives the failures. Defaults to slog.Default().
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports what is wrong with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("schedule: a job needs a name"))
	}
	if c.Interval <= 0 {
		errs = append(errs, errors.New("schedule: the interval must be positive"))
	}
	return errors.Join(errs...)
}

// Run runs job at once and then every Interval until ctx ends, and returns nil then. A run that
// fails is logged at warn, unless it failed because ctx ended, and the next tick runs the job
// again. Run returns an error only for a configuration that does not validate.
func Run(ctx context.Context, job Job, cfg Config) error {
	if job == nil {
		return errors.New("schedule: nil job")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg.setDefaults()
	tick := time.NewTicker(cfg.Interval)
	defer tick.Stop()
	for {
		if err := job(ctx, cfg.Now()); err != nil && ctx.Err() == nil {
			cfg.Logger.WarnContext(ctx, "scheduled job failed; the next tick runs it again", "job", cfg.Name, "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
