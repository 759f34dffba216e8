package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/di"
)

const poisonUsage = `usage:
  taskstream poison list [--limit N] [--json]
  taskstream poison replay (--ref REF ... | --all) [--dry-run]

list    prints the messages parked in the poison topic (KAFKA_TOPIC_POISON) as they are now,
        oldest first, and stops at the end: the reference that selects each one (Kafka:
        partition/offset; BROKER=postgres: offset), the event id, type, original topic,
        handler, consumer group, when it was parked, whether its payload was kept, and why it
        was parked. --json prints one JSON object per line; --limit N stops after N messages.

replay  publishes the selected parked messages again to the topic they came from, with their
        payload and metadata, without the poison headers, and with replayed_from (the poison
        topic and the reference) and replayed_at. --ref may be repeated or hold a
        comma-separated list; --all selects every parked message; --dry-run only prints what
        would be replayed. Consumers apply each event once (they record its id or write
        idempotently), so replaying a message twice, or one already applied, is harmless. The
        parked copies stay in the poison topic until its retention. A message parked without
        its payload (too large for the poison topic) is refused: there is nothing to replay.

The broker and topics come from the service's settings (KAFKA_BROKERS, BROKER, DATABASE_URL).
`

// poisonCommand lists and replays the messages parked in the poison topic.
func poisonCommand(ctx context.Context, args []string, lookup func(string) (string, bool), stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("poison: list or replay?\n%s", poisonUsage)
	}
	switch args[0] {
	case "list":
		return poisonList(ctx, args[1:], lookup, stdout)
	case "replay":
		return poisonReplay(ctx, args[1:], lookup, stdout)
	case "help", "-h", "--help":
		_, err := fmt.Fprint(stdout, poisonUsage)
		return err
	default:
		return fmt.Errorf("poison: unknown subcommand %q\n%s", args[0], poisonUsage)
	}
}

func poisonList(ctx context.Context, args []string, lookup func(string) (string, bool), stdout io.Writer) error {
	fs := flag.NewFlagSet("poison list", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	limit := fs.Int("limit", 0, "stop after this many messages (0: all)")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 0 {
		return errors.New("poison list: --limit must be 0 (all) or more")
	}
	parking, cleanup, err := openParking(ctx, lookup)
	if err != nil {
		return err
	}
	defer cleanup()
	list, err := parking.list.Handle(ctx, query.ListParked{Limit: *limit})
	if err != nil {
		return fmt.Errorf("poison list: %w", err)
	}
	if *asJSON {
		return writeParkedJSON(stdout, list.Messages)
	}
	return writeParkedTable(stdout, list.Messages, parking.topic, *limit)
}

func poisonReplay(ctx context.Context, args []string, lookup func(string) (string, bool), stdout io.Writer) error {
	fs := flag.NewFlagSet("poison replay", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var refs refList
	fs.Var(&refs, "ref", "a parked message's reference (repeatable, or comma-separated)")
	all := fs.Bool("all", false, "replay every parked message")
	dryRun := fs.Bool("dry-run", false, "print what would be replayed, publish nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (len(refs) > 0) == *all {
		return fmt.Errorf("poison replay: give --ref REF (repeatable) or --all, not both\n%s", poisonUsage)
	}
	parking, cleanup, err := openParking(ctx, lookup)
	if err != nil {
		return err
	}
	defer cleanup()
	// Without refs (--all), the zero filter selects every parked message.
	result, err := parking.replay.Handle(ctx, command.ReplayParked{Refs: refs, DryRun: *dryRun})
	if err != nil {
		return fmt.Errorf("poison replay: %w", err)
	}
	return reportReplay(result, stdout)
}

// reportReplay reports each outcome of a replay on stdout. Messages that could not be replayed
// were skipped; the error then counts them.
func reportReplay(result command.ReplayResult, stdout io.Writer) error {
	verb := "replayed"
	if result.DryRun {
		verb = "would replay"
	}
	for _, o := range result.Outcomes {
		m := o.Message
		if o.Refused != "" {
			fmt.Fprintf(stdout, "refused %s: %s\n", m.Ref, o.Refused)
			continue
		}
		fmt.Fprintf(stdout, "%s %s: event %s (%s) to %s\n", verb, m.Ref, m.EventID, orDash(m.Type), m.Topic)
	}
	replayed, selected := result.Replayed(), len(result.Outcomes)
	fmt.Fprintf(stdout, "%s %d of %d selected parked messages\n", verb, replayed, selected)
	if replayed < selected {
		return fmt.Errorf("poison replay: %d of the selected parked messages were refused", selected-replayed)
	}
	return nil
}

// parkingCases are the use cases `taskstream poison` runs: the same ones GET /v1/ops/parked
// and POST /v1/ops/parked/replay run, on the same port (adapters/poison.Port).
type parkingCases struct {
	topic  string
	list   query.ListParkedHandler
	replay command.ReplayParkedHandler
}

// openParking opens the parked messages with the service's settings. The log shows only
// warnings and errors: the output is the command's.
func openParking(ctx context.Context, lookup func(string) (string, bool)) (parkingCases, func(), error) {
	cfg, err := config.Load(lookup)
	if err != nil {
		return parkingCases{}, nil, err
	}
	cfg.LogLevel = max(cfg.LogLevel, slog.LevelWarn)
	parking, cleanup, err := di.NewParking(ctx, cfg, newLogger(cfg))
	if err != nil {
		return parkingCases{}, nil, err
	}
	port := poison.NewPort(parking)
	return parkingCases{
		topic: parking.Topic(), list: query.NewListParkedHandler(port), replay: command.NewReplayParkedHandler(port),
	}, cleanup, nil
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w\n%s", fs.Name(), err, poisonUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %v\n%s", fs.Name(), fs.Args(), poisonUsage)
	}
	return nil
}

// refList is a repeatable flag of comma-separated references.
type refList []string

func (r *refList) String() string { return strings.Join(*r, ",") }

func (r *refList) Set(v string) error {
	for _, ref := range strings.Split(v, ",") {
		if ref = strings.TrimSpace(ref); ref != "" {
			*r = append(*r, ref)
		}
	}
	return nil
}
