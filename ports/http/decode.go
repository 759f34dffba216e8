package httpport

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// Media types a request body may have.
const (
	mediaJSON       = "application/json"
	mediaMergePatch = "application/merge-patch+json" // RFC 7396, for PATCH
)

// decodeJSON reads the request body into dst strictly: the content type must be one of
// mediaTypes (application/json when none are given), the body must hold exactly one JSON
// object, and fields dst does not declare are refused. Its errors answer 400, 413 or 415.
func decodeJSON(c *gin.Context, dst any, mediaTypes ...string) error {
	if len(mediaTypes) == 0 {
		mediaTypes = []string{mediaJSON}
	}
	if !slices.Contains(mediaTypes, strings.ToLower(c.ContentType())) {
		return unsupportedMediaType(mediaTypes)
	}
	body := bufio.NewReaderSize(c.Request.Body, 512)
	if err := expectObject(body); err != nil {
		return err
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errBodyTooLarge
		}
		return malformed("", "the body must hold a single JSON value")
	}
	return nil
}

// expectObject skips leading white space and checks that a JSON object starts there: a body
// of null, a string or an array is refused before it could decode into an empty request.
func expectObject(r *bufio.Reader) error {
	for {
		b, err := r.Peek(1)
		if err != nil {
			return decodeError(err)
		}
		switch b[0] {
		case ' ', '\t', '\n', '\r':
			_, _ = r.ReadByte()
		case '{':
			return nil
		default:
			return malformed("", "the body must be a JSON object")
		}
	}
}

// decodeError explains a json.Decoder error in terms of the request.
func decodeError(err error) error {
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return errBodyTooLarge
	case errors.Is(err, io.EOF):
		return malformed("", "the body must not be empty")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", "the body is not valid JSON")
	case errors.As(err, &wrongType):
		if wrongType.Field == "" {
			return malformed("", "the body must be a JSON object")
		}
		return malformed(wrongType.Field, "must be a %s", jsonTypeName(wrongType.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return malformed(field, "is not a known field")
	default:
		return malformed("", "the body cannot be read")
	}
}

// jsonTypeName names a Go kind the way a JSON client knows it.
func jsonTypeName(kind string) string {
	switch kind {
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "string":
		return "string"
	default:
		return "number"
	}
}
