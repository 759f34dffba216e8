package httpport

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// decodeJSON reads the request body into dst strictly: the content type must be JSON, the body
// must hold exactly one JSON value, and fields dst does not declare are refused. Its errors
// answer 400, 413 or 415.
func decodeJSON(c *gin.Context, dst any) error {
	if !isJSON(c.ContentType()) {
		return errNotJSON
	}
	dec := json.NewDecoder(c.Request.Body)
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

// isJSON accepts application/json and the structured +json types (RFC 6839), such as
// application/merge-patch+json.
func isJSON(mediaType string) bool {
	mediaType = strings.ToLower(mediaType)
	return mediaType == "application/json" ||
		(strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(mediaType, "+json"))
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
