package httpport

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/task"
)

// taskRoutes are the /v1/tasks endpoints. Every handler passes the authenticated caller's user
// id to the use case and nothing else, so a user only ever reaches their own tasks. A task's
// ETag is its version; the changes take it back in If-Match (optional) to refuse a lost update.
type taskRoutes struct {
	app    application.Application
	logger *slog.Logger
}

func newTaskRoutes(app application.Application, logger *slog.Logger) taskRoutes {
	return taskRoutes{app: app, logger: logger}
}

func (r taskRoutes) register(g *gin.RouterGroup) {
	g.POST("/tasks", r.create)
	getAndHead(g, "/tasks", r.list)
	getAndHead(g, "/tasks/:id", r.get)
	g.PATCH("/tasks/:id", r.update)
	g.DELETE("/tasks/:id", r.delete)
	g.POST("/tasks/:id/complete", r.complete)
	g.POST("/tasks/:id/reopen", r.reopen)
	getAndHead(g, "/tasks/:id/history", r.history)
}

// create stores a task with its created events: 201. With an Idempotency-Key a retry whose
// task exists answers 200 with that task and creates nothing.
func (r taskRoutes) create(c *gin.Context) {
	cmd, err := createTaskCommandOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	created, err := r.app.Commands.CreateTask.Handle(c.Request.Context(), cmd)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	status := http.StatusCreated
	if !created.Created {
		status = http.StatusOK
	}
	c.Header("Location", "/v1/tasks/"+created.Task.ID())
	writeTask(c, status, created.Task)
}

// list answers one page of the caller's tasks, newest first.
func (r taskRoutes) list(c *gin.Context) {
	q, err := taskListQueryOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	page, err := r.app.Queries.ListTasks.Handle(c.Request.Context(), q)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toTaskListResponse(page))
}

// get answers the task with its ETag, or 304 when If-None-Match names it.
func (r taskRoutes) get(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTask)
		return
	}
	t, err := r.app.Queries.GetTask.Handle(c.Request.Context(), query.GetTask{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	if noneMatch(c, t.Version()) {
		writeNotModified(c, etagOf(t.Version()))
		return
	}
	writeTask(c, http.StatusOK, t)
}

func (r taskRoutes) update(c *gin.Context) {
	id, ifMatch, err := targetOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	cmd, err := updateTaskCommandOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	cmd.ID, cmd.IfMatch = id, ifMatch
	t, err := r.app.Commands.UpdateTask.Handle(c.Request.Context(), cmd)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	writeTask(c, http.StatusOK, t)
}

func (r taskRoutes) delete(c *gin.Context) {
	id, ifMatch, err := targetOf(c)
	if err == nil {
		_, err = r.app.Commands.DeleteTask.Handle(c.Request.Context(), command.DeleteTask{
			UserID: userOf(c), ID: id, IfMatch: ifMatch, Meta: eventMetaFrom(c.Request.Context()),
		})
	}
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// complete marks the task done; a done task is a 409.
func (r taskRoutes) complete(c *gin.Context) {
	r.transition(c, r.app.Commands.CompleteTask.Handle)
}

// reopen moves a done task back to todo; any other is a 409.
func (r taskRoutes) reopen(c *gin.Context) {
	r.transition(c, func(ctx context.Context, cmd command.CompleteTask) (*task.Task, error) {
		return r.app.Commands.ReopenTask.Handle(ctx, command.ReopenTask(cmd))
	})
}

// transition runs a status change that takes no body, and answers the task after it.
func (r taskRoutes) transition(c *gin.Context, handle func(context.Context, command.CompleteTask) (*task.Task, error)) {
	id, ifMatch, err := targetOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	ctx := c.Request.Context()
	t, err := handle(ctx, command.CompleteTask{UserID: userOf(c), ID: id, IfMatch: ifMatch, Meta: eventMetaFrom(ctx)})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	writeTask(c, http.StatusOK, t)
}

// history answers the task's changes, oldest first; it outlives the task's deletion.
func (r taskRoutes) history(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTask)
		return
	}
	entries, err := r.app.Queries.TaskHistory.Handle(c.Request.Context(), query.TaskHistory{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toTaskHistoryResponse(entries))
}

// targetOf reads what every change of a task names: the task's id (not a UUID: 404) and the
// versions If-Match accepts (nil: any).
func targetOf(c *gin.Context) (string, []int64, error) {
	id, ok := pathID(c)
	if !ok {
		return "", nil, errNotFoundTask
	}
	ifMatch, err := ifMatchOf(c)
	return id, ifMatch, err
}

// writeTask answers t with its ETag.
func writeTask(c *gin.Context, status int, t *task.Task) {
	c.Header(headerETag, etagOf(t.Version()))
	c.JSON(status, toTaskResponse(t))
}
