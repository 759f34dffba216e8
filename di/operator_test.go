package di_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// AUTH_OPERATOR_SUBJECTS reaches the API: a listed subject passes the operator check without a
// roles claim, another user gets 403. The parked-message routes answer from the process's
// broker: 503 on GoChannel, which keeps nothing, 200 on BROKER=postgres; the outbox route is 503
// where events go without an outbox.
func TestOperatorRoutesAreWiredToTheConfiguredBroker(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("o", 32)
	url, _ := pgtest.NewDatabase(t)
	for _, tc := range []struct {
		name          string
		env           map[string]string
		parked, other int
	}{
		{"embedded", map[string]string{}, http.StatusServiceUnavailable, http.StatusForbidden},
		{"postgres", map[string]string{"DATABASE_URL": url, "BROKER": "postgres"}, http.StatusOK, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["AUTH_JWT_SECRET"] = secret
			tc.env["AUTH_OPERATOR_SUBJECTS"] = "root, olga"
			svc := newServiceWith(t, tc.env)
			get := func(user, path string) int {
				tok, err := httpport.IssueHS256Token([]byte(secret), user, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				svc.Handler.ServeHTTP(rec, req)
				return rec.Code
			}
			if got := get("olga", "/v1/ops/parked"); got != tc.parked {
				t.Errorf("olga GET /v1/ops/parked = %d, want %d", got, tc.parked)
			}
			if got := get("olga", "/v1/ops/outbox"); got != http.StatusServiceUnavailable {
				t.Errorf("olga GET /v1/ops/outbox = %d, want 503 (no outbox here)", got)
			}
			if got := get("bob", "/v1/ops/parked"); got != tc.other {
				t.Errorf("bob GET /v1/ops/parked = %d, want %d", got, tc.other)
			}
		})
	}
}
