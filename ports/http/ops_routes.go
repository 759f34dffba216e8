package httpport

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

// OperatorCases are the use cases behind the operator routes (/v1/ops/...): the same handlers
// `taskstream poison` runs. A nil handler answers 503: the process has no such thing (the
// embedded default has no outbox).
type OperatorCases struct {
	ListParked   query.ListParkedHandler
	GetParked    query.GetParkedHandler
	ReplayParked command.ReplayParkedHandler
	Outbox       query.GetOutboxBacklogHandler
}

// opsRoutes are the /v1/ops endpoints, for operators only (requireOperator).
type opsRoutes struct {
	cases  OperatorCases
	logger *slog.Logger
}

func (r opsRoutes) register(g *gin.RouterGroup) {
	getAndHead(g, "/ops/outbox", r.outbox)
	getAndHead(g, "/ops/parked", r.listParked)
	getAndHead(g, "/ops/parked/*ref", r.getParked)
	g.POST("/ops/parked/replay", r.replay)
}

// unavailable is the answer of a route whose use case this process lacks.
func unavailable(what string) error {
	return &shared.Error{Kind: shared.KindUnavailable, Message: what + " is not available in this process"}
}

func (r opsRoutes) outbox(c *gin.Context) {
	if r.cases.Outbox == nil {
		abortWithProblem(c, r.logger, unavailable("the outbox (the embedded default and BROKER=postgres publish without one)"))
		return
	}
	b, err := r.cases.Outbox.Handle(c.Request.Context(), query.GetOutboxBacklog{})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, outboxResponse{Rows: b.Rows, OldestAgeSeconds: b.Oldest.Seconds()})
}

func (r opsRoutes) listParked(c *gin.Context) {
	if r.cases.ListParked == nil {
		abortWithProblem(c, r.logger, unavailable("the parked messages"))
		return
	}
	params := c.Request.URL.Query()
	q := query.ListParked{Filter: filterOf(params.Get)}
	if s := params.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxParkedLimit {
			abortWithProblem(c, r.logger, malformed("limit", "must be a whole number from 0 (all) to %d", maxParkedLimit))
			return
		}
		q.Limit = n
	}
	list, err := r.cases.ListParked.Handle(c.Request.Context(), q)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toParkedListResponse(list))
}

func (r opsRoutes) getParked(c *gin.Context) {
	if r.cases.GetParked == nil {
		abortWithProblem(c, r.logger, unavailable("the parked messages"))
		return
	}
	m, err := r.cases.GetParked.Handle(c.Request.Context(), query.GetParked{Ref: strings.TrimPrefix(c.Param("ref"), "/")})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toParkedDetail(m))
}

func (r opsRoutes) replay(c *gin.Context) {
	if r.cases.ReplayParked == nil {
		abortWithProblem(c, r.logger, unavailable("the parked messages"))
		return
	}
	var req replayRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	cmd, err := req.command()
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	result, err := r.cases.ReplayParked.Handle(c.Request.Context(), cmd)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toReplayResponse(result))
}

// filterOf reads a parked-message filter from the query string (or a request body's fields).
func filterOf(get func(string) string) query.ParkedFilter {
	return query.ParkedFilter{Topic: get("topic"), Handler: get("handler"), Group: get("group"), ReasonContains: get("reason")}
}
