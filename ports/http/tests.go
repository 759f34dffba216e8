package httpport

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

// testRoutes are the /v1/tests and /v1/submissions endpoints. Anyone signed in may read a test
// and submit answers to it; only its owner sees its answer key and statistics; a submission is
// its submitter's alone.
type testRoutes struct {
	app    application.Application
	logger *slog.Logger
}

var (
	errNotFoundTest       = shared.NotFound("test")
	errNotFoundSubmission = shared.NotFound("submission")
)

func newTestRoutes(app application.Application, logger *slog.Logger) testRoutes {
	return testRoutes{app: app, logger: logger}
}

func (r testRoutes) register(g *gin.RouterGroup) {
	g.POST("/tests", r.create)
	getAndHead(g, "/tests/:id", r.get)
	g.POST("/tests/:id/submissions", r.submit)
	getAndHead(g, "/tests/:id/stats", r.stats)
	getAndHead(g, "/submissions/:id", r.submission)
}

// create stores a test: 201 with the test, key included. With an Idempotency-Key a retry whose
// test exists answers 200 with it and creates nothing.
func (r testRoutes) create(c *gin.Context) {
	var req createTestRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	key, err := idempotencyKeyOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	created, err := r.app.Commands.CreateTest.Handle(c.Request.Context(), command.CreateTest{
		UserID: userOf(c), Title: req.Title, Questions: req.questions(), IdempotencyKey: key,
	})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	status := http.StatusCreated
	if !created.Created {
		status = http.StatusOK
	}
	c.Header("Location", "/v1/tests/"+created.Test.ID)
	c.JSON(status, toTestResponse(created.Test))
}

// get answers the test; its answer key only to its owner.
func (r testRoutes) get(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTest)
		return
	}
	t, err := r.app.Queries.GetTest.Handle(c.Request.Context(), query.GetTest{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toTestResponse(t))
}

// submit stores the caller's answers, pending, with the event the result calculator scores:
// 202 with the submission and its Location, which shows the result once it is scored. With an
// Idempotency-Key a retry answers 202 with the submission the first attempt stored.
func (r testRoutes) submit(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTest)
		return
	}
	var req submitTestRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	if req.Answers == nil {
		abortWithProblem(c, r.logger, malformed("answers", "is required: an object of question id to the ids of the options picked"))
		return
	}
	key, err := idempotencyKeyOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	done, err := r.app.Commands.SubmitTest.Handle(c.Request.Context(), command.SubmitTest{
		UserID: userOf(c), TestID: id, Answers: req.Answers, IdempotencyKey: key, Meta: eventMetaFrom(c.Request.Context()),
	})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.Header("Location", "/v1/submissions/"+done.Submission.ID)
	c.JSON(http.StatusAccepted, toSubmissionResponse(done.Submission))
}

// stats answers the test's statistics to its owner; 403 to anyone else.
func (r testRoutes) stats(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundTest)
		return
	}
	s, err := r.app.Queries.TestStats.Handle(c.Request.Context(), query.TestStats{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, s)
}

// submission answers the caller's submission: pending, scored with the result, or failed with
// the reason.
func (r testRoutes) submission(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundSubmission)
		return
	}
	s, err := r.app.Queries.GetSubmission.Handle(c.Request.Context(), query.GetSubmission{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toSubmissionResponse(s))
}
