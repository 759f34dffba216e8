package httpport

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/domain/shared"
)

// Headers of conditional requests (RFC 9110, section 13). A task's entity tag is its version,
// as a strong tag: "3" names version 3.
const (
	headerETag        = "ETag"
	headerIfMatch     = "If-Match"
	headerIfNoneMatch = "If-None-Match"
)

// etagOf is the strong entity tag of a version.
func etagOf(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// errWeakIfMatch answers an If-Match that names a weak tag: If-Match compares strongly, so a
// weak tag never matches (RFC 9110, section 13.1.1). A proxy that compresses may weaken ETags.
var errWeakIfMatch = shared.PreconditionFailed("If-Match compares strong entity tags; a weak one (W/) never matches")

// ifMatchOf reads the request's If-Match as the versions it accepts: nil when it is absent or
// "*" (any version), else the versions its strong tags name ("3" names version 3; a list such as
// "3", "4" accepts either). Weak tags never match (If-Match compares strongly): a header of weak
// tags alone is a 412. Anything else (a bare number, a tag this API never sends) is a 400.
func ifMatchOf(c *gin.Context) ([]int64, error) {
	values := c.Request.Header.Values(headerIfMatch)
	switch len(values) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, malformed(headerIfMatch, "must be sent once")
	}
	v := strings.TrimSpace(values[0])
	if v == "*" {
		return nil, nil
	}
	bad := malformed(headerIfMatch, `must be the task's ETag, such as "3" with the quotes, a list of them, or *`)
	var versions []int64
	weakOnly := true
	for rest := v; ; {
		opaque, weak, after, ok := cutETag(strings.TrimSpace(rest))
		if !ok {
			return nil, bad
		}
		version, err := strconv.ParseInt(opaque, 10, 64)
		if err != nil || version < 1 || etagOf(version) != `"`+opaque+`"` {
			return nil, bad
		}
		if !weak {
			versions, weakOnly = append(versions, version), false
		}
		after = strings.TrimSpace(after)
		if after == "" {
			break
		}
		if rest, ok = strings.CutPrefix(after, ","); !ok {
			return nil, bad
		}
	}
	if weakOnly {
		return nil, errWeakIfMatch
	}
	return versions, nil
}

// noneMatch reports whether the request's If-None-Match names the version: "*" or any listed
// tag equal to it by weak comparison (RFC 9110, section 13.1.2). A value that does not parse
// is ignored, so the request is answered in full.
func noneMatch(c *gin.Context, version int64) bool {
	want := etagOf(version)
	for _, v := range c.Request.Header.Values(headerIfNoneMatch) {
		rest := strings.TrimSpace(v)
		if rest == "*" {
			return true
		}
		for rest != "" {
			opaque, _, after, ok := cutETag(rest)
			if !ok {
				break
			}
			if `"`+opaque+`"` == want {
				return true
			}
			rest = strings.TrimLeft(after, " \t,")
		}
	}
	return false
}

// cutETag reads one entity-tag, [W/]"opaque", at the start of s and returns its opaque part
// without the quotes, whether it is weak and what follows it. ok is false when s does not
// start with an entity-tag.
func cutETag(s string) (opaque string, weak bool, rest string, ok bool) {
	if strings.HasPrefix(s, "W/") {
		weak, s = true, s[2:]
	}
	if len(s) < 2 || s[0] != '"' {
		return "", false, "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", false, "", false
	}
	opaque = s[1 : end+1]
	for i := range len(opaque) {
		if b := opaque[i]; b < 0x21 || b == 0x7f { // etagc: no spaces, controls or quotes
			return "", false, "", false
		}
	}
	return opaque, weak, s[end+2:], true
}

// writeNotModified answers a GET whose If-None-Match matched: 304 with the ETag, no body.
func writeNotModified(c *gin.Context, etag string) {
	c.Header(headerETag, etag)
	c.Status(http.StatusNotModified)
}
