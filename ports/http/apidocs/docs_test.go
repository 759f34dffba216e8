package apidocs_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/ports/http/apidocs"
)

const asyncAPI = `{"asyncapi":"3.0.0"}`

func engine(t *testing.T) (*gin.Engine, *apidocs.Docs) {
	t.Helper()
	d, err := apidocs.New([]byte(asyncAPI))
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	d.Register(e)
	return e, d
}

func get(h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestEveryRouteAnswersWithItsTypeAndTheCSP(t *testing.T) {
	t.Parallel()
	e, d := engine(t)
	routes := d.Routes()
	for _, want := range []string{"/docs", "/docs/events", "/asyncapi.json", "/docs/assets/docs-init.js",
		"/docs/assets/events.js", "/docs/assets/swagger-ui/swagger-ui-bundle.js", "/docs/assets/swagger-ui/swagger-ui.css"} {
		if !slices.Contains(routes, want) {
			t.Errorf("%s is not served", want)
		}
	}
	types := map[string]string{".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".html": "text/html"}
	for _, r := range routes {
		rec := get(e, r)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", r, rec.Code)
			continue
		}
		ext := regexp.MustCompile(`\.[a-z]+$`).FindString(r)
		if r == "/docs" || r == "/docs/events" {
			ext = ".html"
		}
		if want, ok := types[ext]; ok && !strings.HasPrefix(rec.Header().Get("Content-Type"), want) {
			t.Errorf("GET %s: Content-Type %q, want %s", r, rec.Header().Get("Content-Type"), want)
		}
		if rec.Header().Get("Content-Security-Policy") != apidocs.CSP || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: CSP %q, nosniff %q", r, rec.Header().Get("Content-Security-Policy"), rec.Header().Get("X-Content-Type-Options"))
		}
	}
	if body := get(e, "/asyncapi.json").Body.String(); body != asyncAPI {
		t.Errorf("/asyncapi.json = %q, want the document given to New", body)
	}
}

// The policy allows scripts from the server alone: no inline script, no eval.
func TestCSPAllowsNoInlineScript(t *testing.T) {
	t.Parallel()
	var scriptSrc string
	for d := range strings.SplitSeq(apidocs.CSP, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "script-src "); ok {
			scriptSrc = v
		}
	}
	if scriptSrc != "'self'" {
		t.Errorf("script-src %q, want 'self' alone", scriptSrc)
	}
}

// The pages keep to the policy: every script is a file of the server (src, no body), no
// element has an event-handler attribute, and every file a page loads is served.
func TestPagesHaveNoInlineScriptAndLoadOnlyServedFiles(t *testing.T) {
	t.Parallel()
	e, d := engine(t)
	scripts := regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`)
	handlers := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	refs := regexp.MustCompile(`(?:src|href)="(/[^"]*)"`)
	for _, page := range []string{"/docs", "/docs/events"} {
		html := get(e, page).Body.String()
		found := scripts.FindAllStringSubmatch(html, -1)
		if len(found) == 0 {
			t.Errorf("%s loads no script", page)
		}
		for _, s := range found {
			if !strings.Contains(s[1], `src="/`) || strings.TrimSpace(s[2]) != "" {
				t.Errorf("%s has an inline script: %q", page, s[0])
			}
		}
		if handlers.MatchString(html) {
			t.Errorf("%s has an inline event handler", page)
		}
		for _, r := range refs.FindAllStringSubmatch(html, -1) {
			if r[1] != "/openapi.json" && !slices.Contains(d.Routes(), r[1]) {
				t.Errorf("%s refers to %s, which is not served here", page, r[1])
			}
		}
	}
}

func TestGzipAndRevalidation(t *testing.T) {
	t.Parallel()
	e, _ := engine(t)
	const bundle = "/docs/assets/swagger-ui/swagger-ui-bundle.js"
	plain := get(e, bundle)
	zipped := get(e, bundle, "Accept-Encoding", "br, gzip")
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Body.Len() >= plain.Body.Len()/2 {
		t.Fatalf("gzip: encoding %q, %d bytes of %d", zipped.Header().Get("Content-Encoding"), zipped.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Fatalf("the gzip body is not the file (%v)", err)
	}
	if plain.Header().Get("ETag") == zipped.Header().Get("ETag") {
		t.Error("the two encodings share an ETag")
	}
	again := get(e, bundle, "Accept-Encoding", "gzip", "If-None-Match", zipped.Header().Get("ETag"))
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation = %d with %d bytes, want 304 and none", again.Code, again.Body.Len())
	}
	if get(e, bundle, "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 refuses gzip")
	}
}

func TestWithoutAnAsyncAPIDocumentItsRouteIsNotServed(t *testing.T) {
	t.Parallel()
	d, err := apidocs.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(d.Routes(), "/asyncapi.json") {
		t.Error("/asyncapi.json is served without a document")
	}
}
