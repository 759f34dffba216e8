package httpport

import (
	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/ports/http/apidocs"
)

// registerDocs serves the documentation pages without authentication: /docs (the OpenAPI
// document in Swagger UI, whose Authorize takes the token "try it" sends), /docs/events and
// /asyncapi.json (ports/http/apidocs).
func registerDocs(engine *gin.Engine, asyncAPI []byte) error {
	docs, err := apidocs.New(asyncAPI)
	if err != nil {
		return err
	}
	docs.Register(engine)
	return nil
}
