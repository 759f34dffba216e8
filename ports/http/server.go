package httpport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/platform/live"
)

// Config tunes the HTTP port. The zero value is valid: every field has a documented default.
type Config struct {
	// MaxBodyBytes is the largest request body accepted; a larger one is answered with 413.
	// Default: 1 MiB.
	MaxBodyBytes int64
	// ReadinessTimeout bounds each ReadinessCheck run by /readyz. Default: 2 s.
	ReadinessTimeout time.Duration
	// WebSocket tunes the live updates of GET /v1/ws.
	WebSocket WebSocketConfig
	// RateLimit bounds the requests of each user and each client address (rate_limit.go).
	RateLimit RateLimitConfig
	// Console tunes the browser console at / (console_signin.go).
	Console ConsoleConfig

	// OperatorSubjects are user ids that are operators whatever their token's roles claim
	// (AUTH_OPERATOR_SUBJECTS): they may use /v1/ops/... (operator.go).
	OperatorSubjects []string

	// SeparateOps leaves /readyz and /metrics out of this handler (404; /healthz stays): a
	// handler from NewOpsHandler without it serves them on an address of their own
	// (METRICS_ADDR), so operators can keep them off the public port.
	SeparateOps bool
}

// Defaults of Config.
const (
	DefaultMaxBodyBytes     = 1 << 20
	DefaultReadinessTimeout = 2 * time.Second
)

func (c *Config) setDefaults() {
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.ReadinessTimeout == 0 {
		c.ReadinessTimeout = DefaultReadinessTimeout
	}
	c.WebSocket.setDefaults()
	c.RateLimit.setDefaults()
}

// Validate reports every invalid field of c at once.
func (c Config) Validate() error {
	var errs []error
	if c.MaxBodyBytes < 0 {
		errs = append(errs, errors.New("httpport: MaxBodyBytes must not be negative"))
	}
	if c.ReadinessTimeout < 0 {
		errs = append(errs, errors.New("httpport: ReadinessTimeout must not be negative"))
	}
	return errors.Join(append(errs, c.WebSocket.validate(), c.RateLimit.validate())...)
}

// ReadinessCheck is one dependency /readyz asks about, such as the database or the broker.
type ReadinessCheck struct {
	// Name identifies the check in the /readyz answer, for example "postgres".
	Name string
	// Check returns nil when the dependency can take requests. It must honour ctx's deadline.
	Check func(ctx context.Context) error
}

// Deps are the collaborators of the HTTP port. All are required except Readiness, Hub and
// Drain.
type Deps struct {
	// Logger receives access logs and the details of internal errors.
	Logger *slog.Logger
	// Authenticator turns the bearer token of every /v1 request into a user id.
	Authenticator Authenticator
	// Readiness are the checks /readyz runs; none means the port is ready whenever it serves.
	Readiness []ReadinessCheck
	// Registry is where the HTTP metrics are registered.
	Registry prometheus.Registerer
	// Gatherer is what /metrics exposes; usually the same registry as Registry.
	Gatherer prometheus.Gatherer
	// Hub carries the frames GET /v1/ws pushes to each user's connections; NewHandler does not
	// close it. Without one, /v1/ws answers 503.
	Hub *live.Hub
	// AsyncAPI is the AsyncAPI document of the events, served at /asyncapi.json and rendered at
	// /docs/events (di generates it from the configured topics). Without it /asyncapi.json is 404.
	AsyncAPI []byte
	// Operator are the use cases of the operator routes /v1/ops/...; a nil handler answers 503.
	Operator OperatorCases
	// Drain, once started, turns /readyz to 503 at once and closes each connection after its
	// answer, while every other request is served as before; nil never drains.
	Drain *Drain
}

func (d Deps) validate() error {
	var errs []error
	if d.Authenticator == nil {
		errs = append(errs, errors.New("httpport: nil Authenticator"))
	}
	if d.Registry == nil {
		errs = append(errs, errors.New("httpport: nil Registry"))
	}
	return errors.Join(append(errs, d.validateOps())...)
}

// validateOps checks what the operations endpoints need: the logger, the gatherer and the
// readiness checks.
func (d Deps) validateOps() error {
	var errs []error
	if d.Logger == nil {
		errs = append(errs, errors.New("httpport: nil Logger"))
	}
	if d.Gatherer == nil {
		errs = append(errs, errors.New("httpport: nil Gatherer"))
	}
	for i, rc := range d.Readiness {
		if rc.Name == "" || rc.Check == nil {
			errs = append(errs, fmt.Errorf("httpport: readiness check %d needs a name and a func", i))
		}
	}
	return errors.Join(errs...)
}

func validateApp(app application.Application) error {
	c, q := app.Commands, app.Queries
	if c.CreateTodo == nil || c.UpdateTodo == nil || c.DeleteTodo == nil || q.GetTodo == nil || q.ListTodos == nil {
		return errors.New("httpport: the application lacks a to-do handler")
	}
	if c.CreateTask == nil || c.UpdateTask == nil || c.CompleteTask == nil || c.ReopenTask == nil || c.DeleteTask == nil ||
		q.GetTask == nil || q.ListTasks == nil || q.TaskHistory == nil {
		return errors.New("httpport: the application lacks a task handler")
	}
	if c.MarkNotificationRead == nil || c.MarkAllNotificationsRead == nil || q.ListNotifications == nil {
		return errors.New("httpport: the application lacks a notification handler")
	}
	return nil
}

var releaseMode sync.Once

// NewHandler returns the HTTP API of app: the /v1 routes behind bearer authentication, plus
// /healthz, /readyz, /metrics and /openapi.json without it. The handler is safe for concurrent
// use. It fails when a dependency is missing, cfg is invalid or the metrics cannot be registered.
func NewHandler(app application.Application, cfg Config, deps Deps) (http.Handler, error) {
	cfg.setDefaults()
	if err := errors.Join(cfg.Validate(), deps.validate(), validateApp(app)); err != nil {
		return nil, err
	}
	metrics, err := newHTTPMetrics(deps.Registry)
	if err != nil {
		return nil, err
	}
	spec, err := openAPIJSON()
	if err != nil {
		return nil, err
	}
	engine, logger, err := newEngine(deps.Logger)
	if err != nil {
		return nil, err
	}
	limits, err := newRateLimits(cfg, deps.Registry, logger)
	if err != nil {
		return nil, err
	}
	engine.Use(
		traceRequests(),
		requestContext(),
		metrics.middleware(),
		accessLog(logger),
		recovery(logger),
		limitBody(cfg.MaxBodyBytes, logger),
		closeWhileDraining(deps.Drain),
		limits.perClient(),
	)
	registerOps(engine, cfg, deps, logger)
	getAndHead(engine, "/openapi.json", serveOpenAPI(spec))
	if err := registerDocs(engine, deps.AsyncAPI); err != nil {
		return nil, err
	}
	if err := registerConsole(engine, cfg.Console, logger); err != nil {
		return nil, err
	}

	auth := newCachingAuthenticator(deps.Authenticator, time.Now)
	v1 := engine.Group("/v1", authenticate(auth, logger), limits.perUser())
	newTodoRoutes(app, logger).register(v1)
	newTaskRoutes(app, logger).register(v1)
	newQuizRoutes(app, logger).register(v1)
	newNotificationRoutes(app, logger).register(v1)
	opsRoutes{cases: deps.Operator, logger: logger}.register(v1.Group("", requireOperator(cfg.OperatorSubjects, logger)))
	ws, err := newLiveRoutes(cfg.WebSocket, deps, logger)
	if err != nil {
		return nil, err
	}
	ws.register(engine.Group("/v1", authenticateFrom(webSocketToken, auth, logger), limits.perUser()))
	return engine, nil
}

// NewOpsHandler returns the operations endpoints alone, /healthz, /readyz and /metrics, for a
// process that serves no API (`taskstream worker`), so that probes and scrapes work the same on
// every process. Nothing under /v1 is served. deps.Authenticator and deps.Registry are not used:
// the handler authenticates nobody and records no HTTP metrics of its own.
func NewOpsHandler(cfg Config, deps Deps) (http.Handler, error) {
	cfg.setDefaults()
	if err := errors.Join(cfg.Validate(), deps.validateOps()); err != nil {
		return nil, err
	}
	engine, logger, err := newEngine(deps.Logger)
	if err != nil {
		return nil, err
	}
	engine.Use(requestContext(), recovery(logger), closeWhileDraining(deps.Drain))
	registerOps(engine, cfg, deps, logger)
	return engine, nil
}

// newEngine is a gin engine as both handlers use it: release mode, no redirects, no trusted
// proxies, problem details for unknown paths and methods, and the request-aware log handler.
func newEngine(base *slog.Logger) (*gin.Engine, *slog.Logger, error) {
	releaseMode.Do(func() { gin.SetMode(gin.ReleaseMode) })
	logger := slog.New(NewLogHandler(base.Handler()))
	engine := gin.New()
	engine.HandleMethodNotAllowed = true
	engine.RedirectTrailingSlash = false
	engine.RedirectFixedPath = false
	engine.ContextWithFallback = true
	if err := engine.SetTrustedProxies(nil); err != nil {
		return nil, nil, err
	}
	engine.NoRoute(func(c *gin.Context) { abortWithProblem(c, logger, errRouteNotFound) })
	engine.NoMethod(func(c *gin.Context) { abortWithProblem(c, logger, errMethodNotAllowed) })
	return engine, logger, nil
}

// registerOps routes the operations endpoints: liveness, readiness and the Prometheus scrape;
// liveness alone when they are served elsewhere.
func registerOps(engine *gin.Engine, cfg Config, deps Deps, logger *slog.Logger) {
	getAndHead(engine, "/healthz", healthz)
	if cfg.SeparateOps {
		return
	}
	getAndHead(engine, "/readyz", readyz(deps.Readiness, cfg.ReadinessTimeout, deps.Drain, logger))
	getAndHead(engine, "/metrics", gin.WrapH(metricsHandler(deps.Gatherer)))
}

// getAndHead routes GET and HEAD on path to h: every GET resource answers HEAD too (RFC 9110,
// section 9.3.2), which load balancers use as a probe. net/http sends no body for HEAD.
func getAndHead(r gin.IRoutes, path string, h gin.HandlerFunc) {
	r.GET(path, h)
	r.HEAD(path, h)
}
