package httpport

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/ports/http/console"
)

// ConsoleConfig tunes the browser console at /. The zero value serves the console without the
// one-click sign-in.
type ConsoleConfig struct {
	// SignInSecret, when set, offers the one-click sign-in: POST /console/sign-in issues a token
	// for any user name, signed with it. Only the embedded default sets it, to the random secret
	// it made for this run (cmd/taskstream prepareEmbedded): anyone who reaches the port can then
	// act as anyone, which is the point of a demo and never acceptable with stored data.
	SignInSecret []byte
	// Issuer and Audience are put in the issued tokens when set, as the authenticator checks them.
	Issuer, Audience string
}

// ConsoleSignInTTL is how long a token from the one-click sign-in is valid.
const ConsoleSignInTTL = 12 * time.Hour

// signInRequest is the body of POST /console/sign-in.
type signInRequest struct {
	User string `json:"user"`
	// Operator asks for a token with the operator role: the embedded default's demo of the
	// operator pages (the same secret could sign one anyway).
	Operator bool `json:"operator"`
}

// signInResponse is the answer of POST /console/sign-in.
type signInResponse struct {
	Token     string `json:"token"`
	User      string `json:"user"`
	ExpiresAt string `json:"expires_at"`
}

// registerConsole serves the console's page and assets and, when cfg has a secret, the
// one-click sign-in: GET /console/sign-in answers 204 (the console asks whether to offer it),
// POST issues the token. Without a secret both are unknown paths (404).
func registerConsole(r gin.IRoutes, cfg ConsoleConfig, logger *slog.Logger) error {
	if err := console.Register(r); err != nil {
		return err
	}
	if len(cfg.SignInSecret) == 0 {
		return nil
	}
	getAndHead(r, "/console/sign-in", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	r.POST("/console/sign-in", func(c *gin.Context) {
		var req signInRequest
		if err := decodeJSON(c, &req); err != nil {
			abortWithProblem(c, logger, err)
			return
		}
		user, err := shared.ParseUserID(req.User)
		if err != nil {
			abortWithProblem(c, logger, shared.Invalid("user", "must be 1 to 128 printable ASCII characters without spaces"))
			return
		}
		var opts []AuthOption
		if cfg.Issuer != "" {
			opts = append(opts, WithIssuer(cfg.Issuer))
		}
		if cfg.Audience != "" {
			opts = append(opts, WithAudience(cfg.Audience))
		}
		if req.Operator {
			opts = append(opts, WithRoles(OperatorRole))
		}
		token, err := IssueHS256Token(cfg.SignInSecret, string(user), ConsoleSignInTTL, opts...)
		if err != nil {
			abortWithProblem(c, logger, err)
			return
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, signInResponse{Token: token, User: string(user),
			ExpiresAt: formatTime(time.Now().Add(ConsoleSignInTTL))})
	})
	return nil
}
