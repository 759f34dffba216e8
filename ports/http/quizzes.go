package httpport

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// quizRoutes are the /v1/tests and /v1/submissions endpoints: the API calls a quiz a test.
// Anyone signed in may read a quiz and submit answers to it; only its owner sees its answer key
// and statistics; a submission is its submitter's alone.
type quizRoutes struct {
	app    application.Application
	logger *slog.Logger
}

// problemAttemptsExhausted is the problem type slug of a submission past the test's limit of
// attempts: a 409 of its own, so a client can tell it from the other conflict (an idempotency
// key reused for another test).
const problemAttemptsExhausted = "attempts-exhausted"

var (
	errNotFoundQuiz       = shared.NotFound("test")
	errNotFoundSubmission = shared.NotFound("submission")
)

func newQuizRoutes(app application.Application, logger *slog.Logger) quizRoutes {
	return quizRoutes{app: app, logger: logger}
}

func (r quizRoutes) register(g *gin.RouterGroup) {
	g.POST("/tests", r.create)
	getAndHead(g, "/tests/:id", r.get)
	g.POST("/tests/:id/submissions", r.submit)
	getAndHead(g, "/tests/:id/stats", r.stats)
	getAndHead(g, "/submissions/:id", r.submission)
}

// create stores a quiz: 201 with the quiz, key included. With an Idempotency-Key a retry whose
// quiz exists answers 200 with it and creates nothing.
func (r quizRoutes) create(c *gin.Context) {
	var req createQuizRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	settings, err := toQuizSettings(req)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	key, err := idempotencyKeyOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	created, err := r.app.Commands.CreateQuiz.Handle(c.Request.Context(), command.CreateQuiz{
		UserID: userOf(c), Title: req.Title, Questions: toQuestionSpecs(req.Questions), Settings: settings, IdempotencyKey: key,
	})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	status := http.StatusCreated
	if !created.Created {
		status = http.StatusOK
	}
	c.Header("Location", "/v1/tests/"+created.Quiz.ID())
	c.JSON(status, toQuizResponse(created.Quiz))
}

// get answers the quiz; its answer key only to its owner.
func (r quizRoutes) get(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundQuiz)
		return
	}
	q, err := r.app.Queries.GetQuiz.Handle(c.Request.Context(), query.GetQuiz{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toQuizResponse(q))
}

// submit stores the caller's answers, pending, with the event the result calculator scores:
// 202 with the submission and its Location, which shows the result once it is scored. With an
// Idempotency-Key a retry answers 202 with the submission the first attempt stored. An attempt
// past the test's limit is 409 with the problem type attempts-exhausted, and stores nothing.
func (r quizRoutes) submit(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundQuiz)
		return
	}
	var req submitAnswersRequest
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
	done, err := r.app.Commands.SubmitAnswers.Handle(c.Request.Context(), command.SubmitAnswers{
		UserID: userOf(c), QuizID: id, Answers: req.Answers, IdempotencyKey: key, Meta: eventMetaFrom(c.Request.Context()),
	})
	if errors.Is(err, testresult.ErrNoAttemptsLeft) {
		err = &httpError{status: http.StatusConflict, slug: problemAttemptsExhausted, err: err}
	}
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.Header("Location", "/v1/submissions/"+done.Submission.ID())
	c.JSON(http.StatusAccepted, toSubmissionResponse(done.Submission))
}

// stats answers the quiz's statistics to its owner; 403 to anyone else.
func (r quizRoutes) stats(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundQuiz)
		return
	}
	s, err := r.app.Queries.QuizStats.Handle(c.Request.Context(), query.QuizStats{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toStatsResponse(s))
}

// submission answers the caller's submission: pending, scored with the result, or failed with
// the reason.
func (r quizRoutes) submission(c *gin.Context) {
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
