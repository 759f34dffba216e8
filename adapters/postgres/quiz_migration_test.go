package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/migrations"
)

// Migration 6 gives the tests stored before it the safe settings (one attempt, score only,
// first attempts counted), counts the attempts takers already made, numbers their submissions
// and fills in who submitted each recorded score.
func TestQuizAttemptsMigrationKeepsOldTestsSafe(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithTableName(postgres.MigrationTable), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.DownTo(ctx, 5); err != nil {
		t.Fatalf("down to 5: %v", err)
	}
	test, first, second := uuid.New(), uuid.New(), uuid.New()
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO tests (id, owner_id, title, questions, created_at) VALUES ($1, 'owner', 'Old', '[]', now())`, []any{test}},
		{`INSERT INTO test_submissions (id, test_id, user_id, answers, status, submitted_at)
		 VALUES ($2, $1, 'bob', '{}', 'pending', now() - interval '1 hour'), ($3, $1, 'bob', '{}', 'pending', now())`, []any{test, first, second}},
		{`INSERT INTO test_scores (submission_id, test_id, percentage, scored_at) VALUES ($2, $1, 40, now())`, []any{test, first}},
	} {
		if _, err := db.ExecContext(ctx, stmt.sql, stmt.args...); err != nil {
			t.Fatalf("rows of the version before: %v", err)
		}
	}
	if err := postgres.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	var (
		maxAttempts         int
		feedback, count     string
		attempts, a1, a2    int
		scoreUser           string
		scoreHasSubmittedAt bool
	)
	if err := db.QueryRowContext(ctx, `SELECT max_attempts, feedback, stats_count FROM tests WHERE id = $1`, test).
		Scan(&maxAttempts, &feedback, &count); err != nil {
		t.Fatal(err)
	}
	if maxAttempts != 1 || feedback != "score" || count != "first" {
		t.Errorf("an old test has %d attempts, %s feedback, %s counted; want 1, score, first", maxAttempts, feedback, count)
	}
	if err := db.QueryRowContext(ctx, `SELECT attempts FROM test_attempts WHERE test_id = $1 AND user_id = 'bob'`, test).Scan(&attempts); err != nil || attempts != 2 {
		t.Errorf("bob's attempts: %d, %v; want 2", attempts, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT (SELECT attempt FROM test_submissions WHERE id = $1), (SELECT attempt FROM test_submissions WHERE id = $2)`,
		first, second).Scan(&a1, &a2); err != nil || a1 != 1 || a2 != 2 {
		t.Errorf("submissions numbered %d and %d, %v; want 1 and 2", a1, a2, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT user_id, submitted_at IS NOT NULL FROM test_scores WHERE submission_id = $1`, first).
		Scan(&scoreUser, &scoreHasSubmittedAt); err != nil || scoreUser != "bob" || !scoreHasSubmittedAt {
		t.Errorf("the old score: user %q, submitted at set %v, %v", scoreUser, scoreHasSubmittedAt, err)
	}
}
