package httpport_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// opsRequests are one request to each operator route.
var opsRequests = []struct{ route, method, path, body string }{
	{"/v1/ops/outbox", http.MethodGet, "/v1/ops/outbox", ""},
	{"/v1/ops/parked", http.MethodGet, "/v1/ops/parked?reason=decode", ""},
	{"/v1/ops/parked/{ref}", http.MethodGet, "/v1/ops/parked/7", ""},
	{"/v1/ops/parked/replay", http.MethodPost, "/v1/ops/parked/replay", `{"all":true,"dry_run":true}`},
}

// A caller without the operator role gets 403 from every operator route; the roles claim or
// AUTH_OPERATOR_SUBJECTS lets one through (to 503 here: this fixture has no parked messages).
func TestOperatorRoutesRefuseOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{OperatorSubjects: []string{"olga"}}})
	doc := loadOpenAPI(t, f)
	for _, r := range opsRequests {
		for _, who := range []struct {
			name   string
			req    request
			status int
		}{
			{"no role", request{user: "alice"}, http.StatusForbidden},
			{"another role", request{user: "alice", roles: []string{"viewer"}}, http.StatusForbidden},
			{"roles claim", request{user: "bob", roles: []string{"viewer", "operator"}}, http.StatusServiceUnavailable},
			{"listed subject", request{user: "olga"}, http.StatusServiceUnavailable},
		} {
			t.Run(r.method+" "+r.path+" "+who.name, func(t *testing.T) {
				req := who.req
				req.method, req.path, req.body = r.method, r.path, r.body
				rec := f.do(req)
				p := decodeProblem(t, rec, who.status)
				if who.status == http.StatusForbidden && !strings.Contains(p.Detail, "operator") {
					t.Errorf("403 detail %q does not say the route is for operators", p.Detail)
				}
				validateAgainst(t, doc, r.route, req, rec, false)
			})
		}
	}
}

// The roles claim may be one string, as some identity providers write it.
func TestOperatorRoleAsOneString(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	for roles, want := range map[any]int{"operator": http.StatusServiceUnavailable, "operators": http.StatusForbidden} {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"sub": "carol", "exp": time.Now().Add(time.Hour).Unix(), "roles": roles,
		}).SignedString(testSecret)
		if err != nil {
			t.Fatal(err)
		}
		rec := f.do(request{method: http.MethodGet, path: "/v1/ops/parked", headers: map[string]string{"Authorization": "Bearer " + tok}})
		decodeProblem(t, rec, want)
	}
}

// A Kafka reference holds a slash; the route takes it as is or escaped.
func TestParkedRefWithASlash(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{operator: parkedCases(emptyPoison{}, nopPublisher{})})
	for _, path := range []string{"/v1/ops/parked/3/1207", "/v1/ops/parked/" + url.PathEscape("3/1207")} {
		rec := f.do(request{method: http.MethodGet, path: path, user: "op", roles: []string{"operator"}})
		p := decodeProblem(t, rec, http.StatusNotFound)
		if !strings.Contains(p.Detail, `"3/1207"`) {
			t.Errorf("%s: detail %q does not name the ref 3/1207", path, p.Detail)
		}
	}
}

// The embedded default's one-click sign-in issues an operator's token when asked to, and a
// plain user's token otherwise.
func TestConsoleSignInAsAnOperator(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{Console: httpport.ConsoleConfig{SignInSecret: testSecret}}})
	for body, want := range map[string]int{
		`{"user":"olga","operator":true}`:  http.StatusServiceUnavailable, // past the role check; no parked messages here
		`{"user":"olga","operator":false}`: http.StatusForbidden,
		`{"user":"olga"}`:                  http.StatusForbidden,
	} {
		rec := f.do(request{method: http.MethodPost, path: "/console/sign-in", body: body})
		if rec.Code != http.StatusOK {
			t.Fatalf("POST /console/sign-in %s = %d: %s", body, rec.Code, rec.Body)
		}
		tok := decodeJSON[struct{ Token string }](t, rec).Token
		ops := f.do(request{method: http.MethodGet, path: "/v1/ops/parked", headers: map[string]string{"Authorization": "Bearer " + tok}})
		if ops.Code != want {
			t.Errorf("sign-in %s, then GET /v1/ops/parked = %d, want %d", body, ops.Code, want)
		}
	}
}
