package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// files are the page and its modules and style sheet.
//
//go:embed static
var files embed.FS

// CSP is the Content-Security-Policy of every console response: scripts, styles, images and
// connections (fetch and the WebSocket, which 'self' covers on the same host and port) from
// this server only; no inline script or style, no plugins, no framing, no form posts elsewhere.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// AssetPrefix is the route under which every file of static/ but the page is served.
const AssetPrefix = "/console/"

// page is the file served at /.
const page = "static/index.html"

// resource is one response, prepared at start: the body and its validator.
type resource struct {
	body              []byte
	contentType, etag string
}

// prepared are the console's routes, read once per process (a test builds many handlers).
var prepared = sync.OnceValues(func() (map[string]resource, error) {
	routes := map[string]resource{}
	err := fs.WalkDir(files, "static", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		route := AssetPrefix + strings.TrimPrefix(p, "static/")
		if p == page {
			route = "/"
		}
		sum := sha256.Sum256(body)
		routes[route] = resource{body: body, contentType: contentType(p), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := routes["/"]; !ok {
		return nil, errors.New("console: the embedded page is missing")
	}
	return routes, nil
})

// Register routes GET and HEAD of the page and of every asset on r.
func Register(r gin.IRoutes) error {
	routes, err := prepared()
	if err != nil {
		return err
	}
	for route, res := range routes {
		r.GET(route, res.serve)
		r.HEAD(route, res.serve)
	}
	return nil
}

// Routes lists the served paths.
func Routes() []string {
	routes, _ := prepared()
	out := make([]string, 0, len(routes))
	for r := range routes {
		out = append(out, r)
	}
	return out
}

// contentType names JavaScript modules explicitly: browsers refuse a module of another type,
// and the system's MIME table may lack .js.
func contentType(p string) string {
	switch path.Ext(p) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	}
	if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// serve answers with the resource, or 304 when the browser's copy is current. no-cache makes
// the browser revalidate, so a new binary's files are seen at once, at the cost of one small
// request per file.
func (res resource) serve(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", res.etag)
	if c.GetHeader("If-None-Match") == res.etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, res.contentType, res.body)
}
