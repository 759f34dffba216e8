package postgres_test

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/migrations"
)

// TestMigrateConcurrently starts several migrations of an empty database at once, as several
// replicas do on a deploy: the advisory lock lets exactly one apply each migration.
func TestMigrateConcurrently(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	if _, err := db.ExecContext(ctx, "DROP SCHEMA public CASCADE; CREATE SCHEMA public"); err != nil {
		t.Fatalf("reset schema: %v", err)
	}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = postgres.Migrate(ctx, db) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migration %d: %v", i, err)
		}
	}
	var applied int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+postgres.MigrationTable+" WHERE version_id > 0").Scan(&applied); err != nil {
		t.Fatalf("count applied migrations: %v", err)
	}
	if applied != len(files) {
		t.Errorf("%d migration rows, want %d (each migration applied once)", applied, len(files))
	}
}
