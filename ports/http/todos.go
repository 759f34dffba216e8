package httpport

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// todoRoutes are the /v1/todos endpoints. Every handler passes the authenticated caller's user
// id to the use case and nothing else, so a user only ever reaches their own to-dos.
type todoRoutes struct {
	app    application.Application
	logger *slog.Logger
}

func newTodoRoutes(app application.Application, logger *slog.Logger) todoRoutes {
	return todoRoutes{app: app, logger: logger}
}

func (r todoRoutes) register(g *gin.RouterGroup) {
	g.POST("/todos", r.create)
	getAndHead(g, "/todos", r.list)
	getAndHead(g, "/todos/:id", r.get)
	g.PATCH("/todos/:id", r.update)
	g.DELETE("/todos/:id", r.delete)
}

// create accepts a to-do: 202 once the create event is durably published. The worker stores it
// shortly after, so a GET right after the 202 may still answer 404. With an Idempotency-Key a
// retry answers with the same id, and the worker stores the to-do of the first attempt once.
func (r todoRoutes) create(c *gin.Context) {
	var req createTodoRequest
	err := decodeJSON(c, &req)
	switch {
	case err != nil:
	case req.Title.null:
		err = malformed("title", "must not be null")
	case req.Description.null:
		err = malformed("description", "must not be null")
	}
	key := ""
	if err == nil {
		key, err = idempotencyKeyOf(c)
	}
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	ctx := c.Request.Context()
	created, err := r.app.Commands.CreateTodo.Handle(ctx, command.CreateTodo{
		UserID:         userOf(c),
		Title:          req.Title.value,
		Description:    req.Description.value,
		IdempotencyKey: key,
		Meta:           eventMetaFrom(ctx),
	})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.Header("Location", "/v1/todos/"+created.ID)
	c.JSON(http.StatusAccepted, toAcceptedTodoResponse(created))
}

// list answers one page of the caller's to-dos, newest first.
func (r todoRoutes) list(c *gin.Context) {
	q, err := listQueryOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	page, err := r.app.Queries.ListTodos.Handle(c.Request.Context(), q)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toTodoListResponse(page))
}

// listQueryOf reads completed, limit and cursor from the query string; bad values are a 400.
func listQueryOf(c *gin.Context) (todo.ListQuery, error) {
	q := todo.ListQuery{UserID: userOf(c), Limit: todo.DefaultPageSize}
	params, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		return q, malformed("", "the query string is malformed")
	}
	if params.Has("completed") {
		v := params.Get("completed")
		if v != "true" && v != "false" {
			return q, malformed("completed", "must be true or false")
		}
		completed := v == "true"
		q.Completed = &completed
	}
	limit, after, err := pageOf(params, todo.DefaultPageSize, todo.MaxPageSize)
	if err != nil {
		return q, err
	}
	q.Limit = limit
	if after != nil {
		q.After = &todo.Cursor{CreatedAt: after.createdAt, ID: after.id}
	}
	return q, nil
}

func (r todoRoutes) get(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTodo)
		return
	}
	t, err := r.app.Queries.GetTodo.Handle(c.Request.Context(), query.GetTodo{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toTodoResponse(t))
}

func (r todoRoutes) update(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTodo)
		return
	}
	cmd, err := updateCommandOf(c, id)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	t, err := r.app.Commands.UpdateTodo.Handle(c.Request.Context(), cmd)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toTodoResponse(t))
}

// updateCommandOf decodes a PATCH body, a JSON merge patch (RFC 7396) under either media type:
// present fields change, a null description clears it, a null title or completed is a 400 (a
// to-do always has both), and so is an empty patch.
func updateCommandOf(c *gin.Context, id string) (command.UpdateTodo, error) {
	var req updateTodoRequest
	if err := decodeJSON(c, &req, mediaJSON, mediaMergePatch); err != nil {
		return command.UpdateTodo{}, err
	}
	switch {
	case req.Title.null:
		return command.UpdateTodo{}, malformed("title", "cannot be removed: a to-do always has a title")
	case req.Completed.null:
		return command.UpdateTodo{}, malformed("completed", "cannot be removed: set true or false")
	case !req.Title.set && !req.Description.set && !req.Completed.set:
		return command.UpdateTodo{}, malformed("", "nothing to change: set title, description or completed")
	}
	return command.UpdateTodo{
		UserID:      userOf(c),
		ID:          id,
		Title:       req.Title.ptr(),
		Description: req.Description.ptr(), // null: the zero value, an empty description
		Completed:   req.Completed.ptr(),
	}, nil
}

func (r todoRoutes) delete(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTodo)
		return
	}
	if _, err := r.app.Commands.DeleteTodo.Handle(c.Request.Context(), command.DeleteTodo{UserID: userOf(c), ID: id}); err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// pathID returns the :id path parameter in canonical (lower-case) form. A value that is not a
// UUID names no to-do or task: it is answered with 404 like any other unknown id, so ids cannot
// be probed.
func pathID(c *gin.Context) (string, bool) {
	id := c.Param("id")
	if !shared.IsUUID(id) {
		return "", false
	}
	return strings.ToLower(id), true
}
