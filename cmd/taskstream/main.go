// Command taskstream is the one binary of Taskstream. Its subcommands run the parts:
//
//	taskstream [all]          API and workers in one process (the default)
//	taskstream api            the HTTP API only
//	taskstream worker         the consumers only
//	taskstream relay          the outbox relay only (the sidecar)
//	taskstream migrate        apply the database migrations and exit
//	taskstream token --user ID [--ttl 24h]   print a bearer token signed with AUTH_JWT_SECRET
//	taskstream poison list|replay ...        list and replay the messages parked in the poison topic
//
// Configuration comes from environment variables; see README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(mainCode())
}

// mainCode runs the subcommand and returns the process's exit code.
func mainCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "taskstream:", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, args []string) error {
	name := "all"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	switch name {
	case "all", "api", "worker", "relay":
		return serve(ctx, name, args)
	case "migrate":
		return migrate(ctx, args)
	case "token":
		return token(args)
	case "poison":
		return poisonCommand(ctx, args, os.LookupEnv, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		return fmt.Errorf("unknown subcommand %q\n%s", name, usage)
	}
}

const usage = `usage: taskstream [subcommand]

subcommands:
  all       run the API and the workers in one process (default)
  api       run the HTTP API
  worker    run the consumers (to-do ingest, task audit trail)
  relay     run the outbox relay: forward committed events to the broker (the sidecar)
  migrate   apply the database migrations to DATABASE_URL and exit
  token     print a bearer token: token --user ID [--ttl 24h]
  poison    list and replay parked messages: poison list [--limit N] [--json],
            poison replay (--ref REF ... | --all) [--dry-run]; poison help says more

Settings are environment variables; see README.md.
`
