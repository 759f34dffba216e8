package httpport

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// openAPIYAML is the OpenAPI 3.0 document of the API. A test keeps it in step with the routes.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIJSON loads and validates the embedded document and returns it as JSON.
func openAPIJSON() ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("httpport: load openapi.yaml: %w", err)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("httpport: encode the OpenAPI document: %w", err)
	}
	return out, nil
}

// serveOpenAPI answers GET /openapi.json with the document converted once at start.
func serveOpenAPI(spec []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", spec)
	}
}
