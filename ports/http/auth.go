package httpport

import (
	"context"
	"log/slog"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/domain/shared"
)

// Authenticator turns a bearer token into the id of the user it was issued to. Implementations
// are safe for concurrent use and report a bad token with a shared.KindUnauthenticated error.
type Authenticator interface {
	Authenticate(ctx context.Context, bearerToken string) (shared.UserID, error)
}

type userKey struct{}

// authenticate requires "Authorization: Bearer <JWT>" and puts the caller's user id in the gin
// context and in the request's context. A missing or bad token is answered with 401.
func authenticate(auth Authenticator, logger *slog.Logger) gin.HandlerFunc {
	return authenticateFrom(headerToken, auth, logger)
}

// authenticateFrom is authenticate with the token taken from the request by tokenOf.
func authenticateFrom(tokenOf func(*gin.Context) (string, bool), auth Authenticator, logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		token, ok := tokenOf(c)
		if !ok {
			abortWithProblem(c, logger, unauthenticated("a bearer token is required", nil))
			return
		}
		user, err := auth.Authenticate(c.Request.Context(), token)
		if err != nil {
			if shared.KindOf(err) != shared.KindUnauthenticated {
				err = unauthenticated("the bearer token is not valid", err)
			}
			logger.InfoContext(c.Request.Context(), "bearer token refused", "error", err)
			c.Header("WWW-Authenticate", `Bearer realm="taskstream", error="invalid_token"`)
			abortWithProblem(c, logger, err)
			return
		}
		c.Set(userKey{}, user)
		c.Set(verifiedTokenKey{}, token) // its roles are read only by the operator routes
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), userKey{}, user))
		c.Next()
	}
}

// headerToken returns the token of the request's "Authorization: Bearer <token>" header.
func headerToken(c *gin.Context) (string, bool) {
	return bearerToken(c.GetHeader("Authorization"))
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header value.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// userOf returns the authenticated caller; only routes behind authenticate call it.
func userOf(c *gin.Context) shared.UserID {
	v, _ := c.Get(userKey{})
	user, _ := v.(shared.UserID)
	return user
}

// userFromContext returns the authenticated caller of the request ctx belongs to.
func userFromContext(ctx context.Context) (shared.UserID, bool) {
	user, ok := ctx.Value(userKey{}).(shared.UserID)
	return user, ok
}

// unauthenticated is a KindUnauthenticated error; message is shown to the caller, err is not.
func unauthenticated(message string, err error) error {
	return &shared.Error{Kind: shared.KindUnauthenticated, Message: message, Err: err}
}
