package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/taskstream/taskstream/config"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// token prints a bearer token for a user, signed with AUTH_JWT_SECRET, naming AUTH_JWT_ISSUER
// and AUTH_JWT_AUDIENCE when they are set (the API then requires them).
func token(args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	user := fs.String("user", "", "user id (the token's sub)")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	var roles refList
	fs.Var(&roles, "role", "a role for the token's roles claim, e.g. operator (repeatable, or comma-separated)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("token: %w (usage: token --user ID [--ttl 24h] [--role operator])", err)
	}
	if *user == "" {
		return errors.New("token: --user is required (usage: token --user ID [--ttl 24h] [--role operator])")
	}
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	if cfg.Auth.JWTSecret == "" {
		return errors.New("token: AUTH_JWT_SECRET must be set")
	}
	tok, err := httpport.IssueHS256Token([]byte(cfg.Auth.JWTSecret), *user, *ttl,
		httpport.WithIssuer(cfg.Auth.Issuer), httpport.WithAudience(cfg.Auth.Audience), httpport.WithRoles(roles...))
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}
