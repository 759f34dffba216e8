package httpport_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	httpport "github.com/taskstream/taskstream/ports/http"
	"github.com/taskstream/taskstream/ports/http/console"
)

// loadOpenAPI fetches /openapi.json from f and validates it.
func loadOpenAPI(t *testing.T, f *fixture) *openapi3.T {
	t.Helper()
	rec := f.do(request{method: http.MethodGet, path: "/openapi.json"})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("/openapi.json = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// TestOpenAPIMatchesRoutes keeps the document in step with the router: every route is
// documented and every documented operation is routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	doc := loadOpenAPI(t, f)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	engine, ok := f.handler.(*gin.Engine)
	if !ok {
		t.Fatalf("NewHandler returned a %T, want *gin.Engine", f.handler)
	}
	var routed, gets, heads []string
	for _, r := range engine.Routes() {
		switch r.Method {
		case http.MethodGet:
			gets = append(gets, r.Path)
		case http.MethodHead: // HEAD mirrors every GET (checked below); OpenAPI leaves it implicit
			heads = append(heads, r.Path)
			continue
		}
		// The documents and their pages (ports/http/apidocs) document the API; they are not in it.
		if r.Path == "/openapi.json" || r.Path == "/asyncapi.json" || r.Path == "/docs" || strings.HasPrefix(r.Path, "/docs/") {
			continue
		}
		// The console's page and files (ports/http/console) are a client of the API, not part of it.
		if r.Path == "/" || strings.HasPrefix(r.Path, console.AssetPrefix) {
			continue
		}
		routed = append(routed, r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}"))
	}
	slices.Sort(gets)
	slices.Sort(heads)
	if !slices.Equal(gets, heads) {
		t.Errorf("every GET route must answer HEAD too:\nGET:  %v\nHEAD: %v", gets, heads)
	}
	slices.Sort(documented)
	slices.Sort(routed)
	if !slices.Equal(documented, routed) {
		t.Errorf("the OpenAPI document and the routes differ:\ndocumented: %v\nrouted:     %v", documented, routed)
	}
}

// openAPICase is one request whose response, and optionally the request, must match the
// document at route.
type openAPICase struct {
	name    string
	route   string
	req     request
	status  int
	request bool // also validate the request
}

// TestResponsesMatchOpenAPI validates real requests and responses against the document.
func TestResponsesMatchOpenAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	doc := loadOpenAPI(t, f)
	td := f.seed("alice", 3, seedBase)[0]
	cases := []openAPICase{
		{"create 202", "/v1/todos", request{method: http.MethodPost, path: "/v1/todos", user: "alice",
			body: `{"title":"a","description":"b"}`}, http.StatusAccepted, true},
		{"create 202 with a key", "/v1/todos", request{method: http.MethodPost, path: "/v1/todos", user: "alice",
			body: `{"title":"a"}`, headers: map[string]string{"Idempotency-Key": "k-1"}}, http.StatusAccepted, true},
		{"create 400", "/v1/todos", request{method: http.MethodPost, path: "/v1/todos", user: "alice",
			body: `{"title":"a","x":1}`}, http.StatusBadRequest, false},
		{"create 422", "/v1/todos", request{method: http.MethodPost, path: "/v1/todos", user: "alice",
			body: `{"title":"   "}`}, http.StatusUnprocessableEntity, false}, // the document's pattern refuses it too
		{"create 413", "/v1/todos", request{method: http.MethodPost, path: "/v1/todos", user: "alice",
			body: `{"title":"a","description":"` + strings.Repeat("x", 1<<20) + `"}`}, http.StatusRequestEntityTooLarge, false},
		{"create 415", "/v1/todos", request{method: http.MethodPost, path: "/v1/todos", user: "alice",
			body: `title=a`, headers: map[string]string{"Content-Type": "text/plain"}}, http.StatusUnsupportedMediaType, false},
		{"create 401", "/v1/todos", request{method: http.MethodPost, path: "/v1/todos", body: `{"title":"a"}`},
			http.StatusUnauthorized, false},
		{"list 200", "/v1/todos", request{method: http.MethodGet, path: "/v1/todos?limit=2", user: "alice"}, http.StatusOK, true},
		{"list 400", "/v1/todos", request{method: http.MethodGet, path: "/v1/todos?limit=0", user: "alice"}, http.StatusBadRequest, false},
		{"get 200", "/v1/todos/{id}", request{method: http.MethodGet, path: "/v1/todos/" + td.ID(), user: "alice"}, http.StatusOK, true},
		{"get 404", "/v1/todos/{id}", request{method: http.MethodGet, path: "/v1/todos/nope", user: "alice"}, http.StatusNotFound, true},
		{"patch 200", "/v1/todos/{id}", request{method: http.MethodPatch, path: "/v1/todos/" + td.ID(), user: "alice",
			body: `{"completed":true,"description":null}`}, http.StatusOK, true},
		{"patch 400", "/v1/todos/{id}", request{method: http.MethodPatch, path: "/v1/todos/" + td.ID(), user: "alice",
			body: `{"title":null}`}, http.StatusBadRequest, false},
		{"patch 422", "/v1/todos/{id}", request{method: http.MethodPatch, path: "/v1/todos/" + td.ID(), user: "alice",
			body: `{"title":" "}`}, http.StatusUnprocessableEntity, false}, // the document's pattern refuses it too
		{"patch 404", "/v1/todos/{id}", request{method: http.MethodPatch, path: "/v1/todos/" + uuid.NewString(), user: "alice",
			body: `{"completed":true}`}, http.StatusNotFound, true},
		{"delete 204", "/v1/todos/{id}", request{method: http.MethodDelete, path: "/v1/todos/" + f.seed("alice", 1, seedBase.Add(time.Hour))[0].ID(), user: "alice"},
			http.StatusNoContent, true},
		{"delete 404", "/v1/todos/{id}", request{method: http.MethodDelete, path: "/v1/todos/" + uuid.NewString(), user: "alice"},
			http.StatusNotFound, true},
		{"healthz", "/healthz", request{method: http.MethodGet, path: "/healthz"}, http.StatusOK, true},
		{"readyz", "/readyz", request{method: http.MethodGet, path: "/readyz"}, http.StatusOK, true},
	}
	for _, tc := range slices.Concat(cases, taskOpenAPICases(f), testOpenAPICases(f), notificationOpenAPICases(f)) {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(tc.req)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			validateAgainst(t, doc, tc.route, tc.req, rec, tc.request)
		})
	}
	t.Run("readyz 503", func(t *testing.T) {
		down := newFixture(t, fixtureOptions{readiness: []httpport.ReadinessCheck{
			{Name: "kafka", Check: func(context.Context) error { return errors.New("down") }},
		}})
		req := request{method: http.MethodGet, path: "/readyz"}
		rec := down.do(req)
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status = %d, want 503: %s", rec.Code, rec.Body)
		}
		validateAgainst(t, doc, "/readyz", req, rec, true)
	})
}

// pathParams matches a path against a documented template such as /v1/tasks/{id}/complete and
// returns the values of its {parameters}.
func pathParams(template, path string) map[string]string {
	params := map[string]string{}
	want, got := strings.Split(template, "/"), strings.Split(path, "/")
	for i, seg := range want {
		if strings.HasPrefix(seg, "{") && i < len(got) {
			params[strings.Trim(seg, "{}")] = got[i]
		}
	}
	return params
}

func validateAgainst(t *testing.T, doc *openapi3.T, path string, r request, rec *httptest.ResponseRecorder, checkRequest bool) {
	t.Helper()
	item := doc.Paths.Find(path)
	if item == nil || item.GetOperation(r.method) == nil {
		t.Fatalf("%s %s is not documented", r.method, path)
	}
	if item.GetOperation(r.method).Responses.Status(rec.Code) == nil { // not left to default: the validator skips a 304
		t.Errorf("%s %s does not document status %d", r.method, path, rec.Code)
	}
	route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: r.method, Operation: item.GetOperation(r.method)}
	req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req,
		Route:   route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true},
	}
	in.PathParams = pathParams(path, req.URL.Path)
	if checkRequest {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("the request does not match the document: %v", err)
		}
	}
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                in.Options,
	})
	if err != nil {
		t.Errorf("the response does not match the document: %v\n%s", err, rec.Body)
	}
}
