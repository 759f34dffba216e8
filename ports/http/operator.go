package httpport

import (
	"log/slog"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/taskstream/taskstream/domain/shared"
)

// OperatorRole is the role, in a token's roles claim, that opens the operator routes
// (/v1/ops/...) and the console's operator pages.
const OperatorRole = "operator"

// verifiedTokenKey holds the token authenticate verified. Its roles are decoded only where a
// route asks for them (requireOperator): decoding the payload again on every request cost 6%
// of the API's CPU under the accept bench.
type verifiedTokenKey struct{}

// tokenRoles reads the roles claim of a token authenticate has verified: a JSON array of
// strings, or one string. The claim is read from the verified payload by its exact name, as
// auth_claims.go reads sub; a token that names it twice was refused before. No claim, or one of
// another shape, is no role.
func tokenRoles(token string) []string {
	var roles []string
	if segmentMember(token, 1, "roles", &roles) {
		return roles
	}
	var role string
	if segmentMember(token, 1, "roles", &role) && role != "" {
		return []string{role}
	}
	return nil
}

// isOperator reports whether the authenticated caller of c is an operator: its token's roles
// hold OperatorRole, or its user id is one of subjects (AUTH_OPERATOR_SUBJECTS).
func isOperator(c *gin.Context, subjects []string) bool {
	if slices.Contains(subjects, string(userOf(c))) {
		return true
	}
	token, _ := c.Get(verifiedTokenKey{})
	s, ok := token.(string)
	return ok && slices.Contains(tokenRoles(s), OperatorRole)
}

// requireOperator answers 403 to a caller that is not an operator; only routes behind
// authenticate use it.
func requireOperator(subjects []string, logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !isOperator(c, subjects) {
			abortWithProblem(c, logger, &shared.Error{Kind: shared.KindForbidden,
				Message: "this route is for operators: a token whose roles claim holds \"operator\", or a subject listed in AUTH_OPERATOR_SUBJECTS"})
			return
		}
		c.Next()
	}
}
