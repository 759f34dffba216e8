package httpport

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// notificationRoutes are the /v1/notifications endpoints: the caller's notifications with the
// status of each channel, and marking them read. Another user's notification is not found.
type notificationRoutes struct {
	app    application.Application
	logger *slog.Logger
}

var errNotFoundNotification = shared.NotFound("notification")

func newNotificationRoutes(app application.Application, logger *slog.Logger) notificationRoutes {
	return notificationRoutes{app: app, logger: logger}
}

func (r notificationRoutes) register(g *gin.RouterGroup) {
	getAndHead(g, "/notifications", r.list)
	g.POST("/notifications/read-all", r.readAll)
	g.POST("/notifications/:id/read", r.read)
}

// readAllResponse is the answer of POST /v1/notifications/read-all.
type readAllResponse struct {
	Marked int `json:"marked"`
}

// list answers one page of the caller's notifications, newest first; ?unread=true keeps the
// unread ones.
func (r notificationRoutes) list(c *gin.Context) {
	q, err := notificationListQueryOf(c)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	page, err := r.app.Queries.ListNotifications.Handle(c.Request.Context(), q)
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	res := notificationListResponse{Items: make([]notificationResponse, 0, len(page.Items))}
	for _, n := range page.Items {
		res.Items = append(res.Items, toNotificationResponse(n))
	}
	if page.Next != nil {
		res.NextCursor = encodeCursor(position{createdAt: page.Next.CreatedAt, id: page.Next.ID})
	}
	c.JSON(http.StatusOK, res)
}

func notificationListQueryOf(c *gin.Context) (notification.ListQuery, error) {
	params := c.Request.URL.Query()
	q := notification.ListQuery{UserID: userOf(c)}
	if params.Has("unread") {
		unread, err := strconv.ParseBool(params.Get("unread"))
		if err != nil {
			return q, malformed("unread", "must be true or false")
		}
		q.UnreadOnly = unread
	}
	limit, after, err := pageOf(params, notification.DefaultPageSize, notification.MaxPageSize)
	if err != nil {
		return q, err
	}
	q.Limit = limit
	if after != nil {
		q.After = &notification.Cursor{CreatedAt: after.createdAt, ID: after.id}
	}
	return q, nil
}

// read marks the caller's notification read and answers it; marking it again keeps the first
// read time.
func (r notificationRoutes) read(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		abortWithProblem(c, r.logger, errNotFoundNotification)
		return
	}
	n, err := r.app.Commands.MarkNotificationRead.Handle(c.Request.Context(), command.MarkNotificationRead{UserID: userOf(c), ID: id})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, toNotificationResponse(n))
}

// readAll marks every unread notification of the caller read and answers how many.
func (r notificationRoutes) readAll(c *gin.Context) {
	n, err := r.app.Commands.MarkAllNotificationsRead.Handle(c.Request.Context(), command.MarkAllNotificationsRead{UserID: userOf(c)})
	if err != nil {
		abortWithProblem(c, r.logger, err)
		return
	}
	c.JSON(http.StatusOK, readAllResponse{Marked: n})
}
