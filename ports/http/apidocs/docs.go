package apidocs

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// files are the pages and the assets they load. The embed pattern names both folders whole,
// so a vendored file is served once it is copied in.
//
//go:embed pages assets
var files embed.FS

// CSP is the Content-Security-Policy of every documentation response: scripts, styles and
// fetches from this server only, no inline script, images also as data: URIs (Swagger UI's
// icons), no framing.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Pages maps the routes of the two pages to their embedded files.
var pages = map[string]string{"/docs": "pages/index.html", "/docs/events": "pages/events.html"}

// AssetPrefix is the route under which every file of assets/ is served.
const AssetPrefix = "/docs/assets/"

// resource is one response, prepared at start: the body, its gzip form and its validator.
type resource struct {
	body, gzipped     []byte
	contentType, etag string
}

// Docs serves the documentation routes. It is immutable once built and safe for concurrent use.
type Docs struct{ routes map[string]resource }

// embedded are the pages and assets, prepared once per process: compressing Swagger UI takes
// a noticeable fraction of a second, which every handler built (a test builds many) would
// otherwise pay again.
var embedded = sync.OnceValues(func() (map[string]resource, error) {
	routes := map[string]resource{}
	for route, file := range pages {
		body, err := files.ReadFile(file)
		if err != nil {
			return nil, err
		}
		routes[route] = prepare(body, "text/html; charset=utf-8", nil)
	}
	err := fs.WalkDir(files, "assets", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".gz") {
			return nil // the compressed form of the file beside it
		}
		res, err := prepareFile(p)
		routes[AssetPrefix+strings.TrimPrefix(p, "assets/")] = res
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(routes) < 4 {
		return nil, errors.New("apidocs: the embedded pages and assets are missing")
	}
	return routes, nil
})

// New prepares every page and asset, and asyncAPI as /asyncapi.json; without asyncAPI that
// route is not served.
func New(asyncAPI []byte) (*Docs, error) {
	files, err := embedded()
	if err != nil {
		return nil, err
	}
	d := &Docs{routes: maps.Clone(files)}
	if len(asyncAPI) > 0 {
		d.routes["/asyncapi.json"] = prepare(asyncAPI, "application/json", nil)
	}
	return d, nil
}

// Routes lists the served paths.
func (d *Docs) Routes() []string {
	out := make([]string, 0, len(d.routes))
	for r := range d.routes {
		out = append(out, r)
	}
	return out
}

// Register routes GET and HEAD of every documentation path on r.
func (d *Docs) Register(r gin.IRoutes) {
	for route, res := range d.routes {
		h := res.serve
		r.GET(route, h)
		r.HEAD(route, h)
	}
}

func contentType(p string) string {
	if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
		return ct
	}
	return "text/plain; charset=utf-8"
}

// prepare is body's response; gzipped is its gzip form, compressed here when nil.
func prepare(body []byte, ct string, gzipped []byte) resource {
	if gzipped == nil {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body) // a bytes.Buffer does not fail
		_ = zw.Close()
		gzipped = buf.Bytes()
	}
	sum := sha256.Sum256(body)
	return resource{body: body, gzipped: gzipped, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// prepareFile is the response of the embedded file p. Gzip shrinks Swagger UI's bundle from
// 1.7 MB to about a quarter, the most of a first load; the vendored files come compressed
// (scripts/vendor-docs.sh writes p.gz beside them), so the server does not spend a fifth of a
// second of CPU compressing them at every start.
func prepareFile(p string) (resource, error) {
	body, err := files.ReadFile(p)
	if err != nil {
		return resource{}, err
	}
	gz, err := files.ReadFile(p + ".gz")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return resource{}, err
	}
	return prepare(body, contentType(p), gz), nil
}

// serve answers with the resource, compressed when the client takes gzip, 304 when its copy is
// current (no-cache: the browser revalidates, so a new binary's files are seen at once).
func (res resource) serve(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	body, etag := res.body, res.etag
	if acceptsGzip(c.GetHeader("Accept-Encoding")) {
		// Each encoding is a representation of its own, with an ETag of its own (RFC 9110 8.8.3).
		body, etag = res.gzipped, strings.TrimSuffix(res.etag, `"`)+`-gzip"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if c.GetHeader("If-None-Match") == etag {
		h.Del("Content-Encoding")
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, res.contentType, body)
}

func acceptsGzip(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
