package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the taskstream binary.
type Config struct {
	// HTTPAddr is where the API listens (HTTP_ADDR): default "127.0.0.1:8080" in the embedded
	// default (loopback only), ":8080" otherwise.
	HTTPAddr string
	// DatabaseURL selects PostgreSQL (DATABASE_URL); empty means the in-memory repositories.
	DatabaseURL string
	// MigrateOnStart applies the migrations before serving (MIGRATE_ON_START, default false).
	MigrateOnStart bool
	// ShutdownTimeout bounds graceful shutdown (SHUTDOWN_TIMEOUT, default 20s).
	ShutdownTimeout time.Duration
	// ShutdownDrainDelay is SHUTDOWN_DRAIN_DELAY (default 5s, 0 in the embedded default): how
	// long `api` and `all` go on serving after SIGTERM while /readyz answers 503, before they stop
	// taking connections; SHUTDOWN_TIMEOUT bounds what follows. See drain.go.
	ShutdownDrainDelay time.Duration
	// LogLevel is debug, info, warn or error (LOG_LEVEL, default info).
	LogLevel slog.Level
	// LogFormat is json or text (LOG_FORMAT). Empty (the default) picks text when stderr is a
	// terminal and json otherwise.
	LogFormat string

	Broker Broker
	Kafka  Kafka
	Topics Topics
	Groups Groups
	Ingest Ingest
	Relay  Relay
	Retry  Retry
	// InboxRetention is INBOX_RETENTION (default 336h, two weeks): how long the ids of
	// processed messages are kept. It must outlast the broker's retention (Kafka's default is a
	// week), since within it a message can be delivered again.
	InboxRetention time.Duration
	Auth           Auth
	Notify         Notify
	Reminders      Reminders
	Results        Results

	// HTTP bounds the HTTP server at the edge (timeouts, connection cap) and places /metrics
	// and /readyz (METRICS_ADDR): see http_edge.go.
	HTTP HTTPEdge
	// Limits are the rate limits and WebSocket caps of the API (limits.go).
	Limits Limits

	// Console is the browser console's one-click sign-in, set only by the embedded default
	// (console.go).
	Console Console
}

// Broker names the message broker.
type Broker string

// The brokers Taskstream can run on.
const (
	BrokerKafka     Broker = "kafka"
	BrokerGoChannel Broker = "gochannel"
	// BrokerPostgres is watermill-sql's pub/sub on DATABASE_URL: for deployments that have
	// only PostgreSQL. Events are written straight to their topic tables in the writer's
	// transaction, so no relay runs.
	BrokerPostgres Broker = "postgres"
)

// Kafka holds the connection settings of the Kafka client, shared by producers and consumers.
type Kafka struct {
	// Brokers is KAFKA_BROKERS or KAFKA_BOOTSTRAP_SERVERS, comma-separated host:port pairs.
	Brokers []string
	// ClientID is KAFKA_CLIENT_ID (default "taskstream").
	ClientID string
	// SecurityProtocol is PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (KAFKA_SECURITY_PROTOCOL).
	SecurityProtocol string
	// SASLMechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (KAFKA_SASL_MECHANISM).
	SASLMechanism string
	// SASLUsername and SASLPassword are KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.
	SASLUsername string
	SASLPassword string
	// TLS files (KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE) and
	// KAFKA_TLS_INSECURE_SKIP_VERIFY, used with SSL and SASL_SSL.
	TLSCAFile             string
	TLSCertFile           string
	TLSKeyFile            string
	TLSInsecureSkipVerify bool

	// AllowPlaintextPassword is KAFKA_ALLOW_PLAINTEXT_PASSWORD (default false): SASL PLAIN over
	// SASL_PLAINTEXT is refused without it, logged as a warning with it (issue 10).
	AllowPlaintextPassword bool
}

// Topics are the topic names (KAFKA_TOPIC_*), the designs' names by default.
type Topics struct {
	// TodoCreate is KAFKA_TOPIC_TODO_CREATE (default "todo-create").
	TodoCreate string
	// TaskEvents is KAFKA_TOPIC_TASK_EVENTS (default "task-events"): every task change with
	// a snapshot and the action, for the audit trail.
	TaskEvents string
	// TaskUpdates is KAFKA_TOPIC_TASK_UPDATES (default "task-updates"): the changed fields of
	// every task change, for live updates.
	TaskUpdates string
	// NotificationRequest is KAFKA_TOPIC_NOTIFICATION_REQUEST (default
	// "notification.request"): notifications to store and deliver.
	NotificationRequest string
	// NotificationCreated is KAFKA_TOPIC_NOTIFICATION_CREATED (default
	// "notification.created"): every notification the notification-service stored, for the
	// API instances to push to WebSocket clients.
	NotificationCreated string
	// TestSubmissions is KAFKA_TOPIC_TEST_SUBMISSIONS (default "test_submissions"): submitted
	// tests, for the result calculator.
	TestSubmissions string
	// TestResultsReady is KAFKA_TOPIC_TEST_RESULTS_READY (default "test_results_ready"): scored
	// submissions, for notifications and analytics.
	TestResultsReady string
	// Poison is KAFKA_TOPIC_POISON (default "taskstream.poison"): messages no consumer could
	// process, with the reason in the reason_poisoned header.
	Poison string
	// Create makes missing topics at start (KAFKA_CREATE_TOPICS, default true) with Partitions
	// (KAFKA_TOPIC_PARTITIONS, default 12) and ReplicationFactor
	// (KAFKA_TOPIC_REPLICATION_FACTOR, default -1: the broker's default).
	Create            bool
	Partitions        int
	ReplicationFactor int
}

// All lists every topic name.
func (t Topics) All() []string {
	return []string{
		t.TodoCreate, t.TaskEvents, t.TaskUpdates, t.NotificationRequest, t.NotificationCreated,
		t.TestSubmissions, t.TestResultsReady, t.Poison,
	}
}

// Groups are the consumer-group names (KAFKA_CONSUMER_GROUP_*).
type Groups struct {
	// Todo is KAFKA_CONSUMER_GROUP_TODO (default "todo").
	Todo string
	// Audit is KAFKA_CONSUMER_GROUP_AUDIT (default "audit-service").
	Audit string
	// WebSocket is KAFKA_CONSUMER_GROUP_WEBSOCKET (default "websocket-service"). Every API
	// instance must see every task update and every stored notification: on Kafka each reads
	// every partition without a group; on PostgreSQL each reads in a group of its own, this name,
	// a dash and an id of the process (for notification.created, this name, "-notifications-"
	// and the id).
	WebSocket string
	// Notification is KAFKA_CONSUMER_GROUP_NOTIFICATION (default "notification-service"): it
	// reads notification.request and test_results_ready.
	Notification string
	// Results is KAFKA_CONSUMER_GROUP_RESULTS (default "result-calculator"): it scores
	// test_submissions.
	Results string
	// Analytics is KAFKA_CONSUMER_GROUP_ANALYTICS (default "analytics"): per-test statistics
	// from test_results_ready.
	Analytics string
}

// Notify configures the delivery channels of notifications besides in_app.
type Notify struct {
	// SMTP sends the email channel. Without SMTP_HOST, email deliveries fail with that reason.
	SMTP SMTP
	// SMSURL is SMS_WEBHOOK_URL: the gateway endpoint the sms channel posts to. Without it, sms
	// deliveries fail with that reason.
	SMSURL string
	// SMSToken is SMS_WEBHOOK_TOKEN, sent as a bearer token when set.
	SMSToken string
	// Timeout is NOTIFY_TIMEOUT (default 10s): the bound of one send.
	Timeout time.Duration
}

// SMTP is the email channel's server.
type SMTP struct {
	// Host and Port are SMTP_HOST and SMTP_PORT (default 587).
	Host string
	Port int
	// TLS is SMTP_TLS: starttls (default; the server must offer it), tls (implicit, port 465
	// usually) or none (loopback and tests only).
	TLS string
	// Username and Password are SMTP_USERNAME and SMTP_PASSWORD (PLAIN auth when set).
	Username string
	Password string
	// From is SMTP_FROM, the sender address (default "taskstream@localhost").
	From string
}

// SMTP TLS modes.
const (
	SMTPTLSNone     = "none"
	SMTPStartTLS    = "starttls"
	SMTPImplicitTLS = "tls"
)

// Reminders configures the deadline reminders of tasks.
type Reminders struct {
	// Window is REMINDER_WINDOW (default 24h): a task due within it gets a due-soon reminder.
	// 0 turns reminders off.
	Window time.Duration
	// Interval is REMINDER_INTERVAL (default 1m): how often the scheduler looks.
	Interval time.Duration
	// Channels is REMINDER_CHANNELS (default "in_app"), comma-separated.
	Channels []string
}

// Results configures the scoring of test submissions.
type Results struct {
	// Workers is RESULT_CALCULATOR_WORKERS (default 4): batches of submissions scored at once per
	// process.
	Workers int
}

// Relay tunes the outbox relay, which forwards committed events from the outbox table to the
// broker.
type Relay struct {
	// BatchSize is OUTBOX_RELAY_BATCH_SIZE (default 1000): rows read and published per round.
	BatchSize int
	// PollInterval is OUTBOX_RELAY_POLL_INTERVAL (default 20ms): the wait after a round that
	// found the outbox empty. A full round is followed by the next one at once.
	PollInterval time.Duration
	// Retention is OUTBOX_RETENTION (default 0: delete on publish): how long published rows are
	// kept for inspection before the relay deletes them.
	Retention time.Duration
}

// Retry tunes how a consumer retries a message that failed before parking it in the poison
// topic.
type Retry struct {
	// MaxRetries is CONSUMER_MAX_RETRIES (default 5): attempts after the first.
	MaxRetries int
	// InitialInterval is CONSUMER_RETRY_INITIAL_INTERVAL (default 100ms); each retry doubles
	// the wait up to MaxInterval (CONSUMER_RETRY_MAX_INTERVAL, default 5s).
	InitialInterval time.Duration
	MaxInterval     time.Duration
}

// Ingest tunes the to-do worker's batches. A batch is handed to the database when it holds
// MaxRecords, when MaxWait has passed since its first record, or when no record came for Linger.
type Ingest struct {
	// MaxRecords is TODO_BATCH_MAX_RECORDS (default 5000).
	MaxRecords int
	// MaxWait is TODO_BATCH_MAX_WAIT (default 10s).
	MaxWait time.Duration
	// Linger is TODO_BATCH_LINGER (default 50ms).
	Linger time.Duration
}

// Auth configures bearer-token checks.
type Auth struct {
	// JWTSecret is AUTH_JWT_SECRET: the HS256 key, at least 32 bytes. Empty in the embedded
	// default means a random one is made at start.
	JWTSecret string
	// JWKSURL is AUTH_JWKS_URL: an identity provider's key set for RS256 tokens, https (plain
	// http only to a loopback host).
	JWKSURL string
	// Issuer and Audience (AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE) are checked when set, and
	// required with JWKSURL: a shared provider signs tokens for other applications too.
	Issuer   string
	Audience string

	// OperatorSubjects is AUTH_OPERATOR_SUBJECTS, comma-separated: user ids that are operators
	// (the /v1/ops routes and the console's operator pages) whatever their token's roles claim.
	OperatorSubjects []string
}

// Embedded reports whether nothing external is configured: in-memory repositories and
// GoChannel, so nothing survives a restart.
func (c Config) Embedded() bool { return c.DatabaseURL == "" && c.Broker == BrokerGoChannel }

// RelayNeeded reports whether events go through the outbox, so a relay must forward them: with
// a database, on any broker but postgres (whose topic tables the writers fill directly).
func (c Config) RelayNeeded() bool { return c.DatabaseURL != "" && c.Broker != BrokerPostgres }

// RequireAuth reports the missing token settings of a process that serves the API: outside the
// embedded default (which makes a random secret) AUTH_JWT_SECRET or AUTH_JWKS_URL must be set.
// Processes that serve no API (worker, relay, migrate, poison) need neither.
func (c Config) RequireAuth() error {
	if c.Auth.JWTSecret == "" && c.Auth.JWKSURL == "" && !c.Embedded() {
		return errors.New("configuration: AUTH_JWT_SECRET or AUTH_JWKS_URL must be set to serve the API when DATABASE_URL or a broker is configured")
	}
	return nil
}

// Load reads the configuration through lookup (os.LookupEnv in production).
func Load(lookup func(string) (string, bool)) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		DatabaseURL:     r.str("DATABASE_URL", ""),
		MigrateOnStart:  r.boolean("MIGRATE_ON_START", false),
		ShutdownTimeout: r.duration("SHUTDOWN_TIMEOUT", 20*time.Second),
		LogLevel:        r.level("LOG_LEVEL", slog.LevelInfo),
		LogFormat:       r.oneOf("LOG_FORMAT", "", "", "json", "text"),
		Kafka:           r.kafka(),
		Topics: Topics{
			TodoCreate:          r.name("KAFKA_TOPIC_TODO_CREATE", "todo-create"),
			TaskEvents:          r.name("KAFKA_TOPIC_TASK_EVENTS", "task-events"),
			TaskUpdates:         r.name("KAFKA_TOPIC_TASK_UPDATES", "task-updates"),
			NotificationRequest: r.name("KAFKA_TOPIC_NOTIFICATION_REQUEST", "notification.request"),
			NotificationCreated: r.name("KAFKA_TOPIC_NOTIFICATION_CREATED", "notification.created"),
			TestSubmissions:     r.name("KAFKA_TOPIC_TEST_SUBMISSIONS", "test_submissions"),
			TestResultsReady:    r.name("KAFKA_TOPIC_TEST_RESULTS_READY", "test_results_ready"),
			Poison:              r.name("KAFKA_TOPIC_POISON", "taskstream.poison"),
			Create:              r.boolean("KAFKA_CREATE_TOPICS", true),
			Partitions:          r.integer("KAFKA_TOPIC_PARTITIONS", 12, 1, 10000),
			ReplicationFactor:   r.integer("KAFKA_TOPIC_REPLICATION_FACTOR", -1, -1, 32),
		},
		Groups: Groups{
			Todo:         r.name("KAFKA_CONSUMER_GROUP_TODO", "todo"),
			Audit:        r.name("KAFKA_CONSUMER_GROUP_AUDIT", "audit-service"),
			WebSocket:    r.name("KAFKA_CONSUMER_GROUP_WEBSOCKET", "websocket-service"),
			Notification: r.name("KAFKA_CONSUMER_GROUP_NOTIFICATION", "notification-service"),
			Results:      r.name("KAFKA_CONSUMER_GROUP_RESULTS", "result-calculator"),
			Analytics:    r.name("KAFKA_CONSUMER_GROUP_ANALYTICS", "analytics"),
		},
		Relay: Relay{
			BatchSize:    r.integer("OUTBOX_RELAY_BATCH_SIZE", 1000, 1, 100000),
			PollInterval: r.duration("OUTBOX_RELAY_POLL_INTERVAL", 20*time.Millisecond),
			Retention:    r.durationFrom("OUTBOX_RETENTION", 0, true),
		},
		InboxRetention: r.duration("INBOX_RETENTION", 14*24*time.Hour),
		Retry: Retry{
			MaxRetries:      r.integer("CONSUMER_MAX_RETRIES", 5, 0, 100),
			InitialInterval: r.duration("CONSUMER_RETRY_INITIAL_INTERVAL", 100*time.Millisecond),
			MaxInterval:     r.duration("CONSUMER_RETRY_MAX_INTERVAL", 5*time.Second),
		},
		Ingest: Ingest{
			MaxRecords: r.integer("TODO_BATCH_MAX_RECORDS", 5000, 1, 100000),
			MaxWait:    r.duration("TODO_BATCH_MAX_WAIT", 10*time.Second),
			Linger:     r.duration("TODO_BATCH_LINGER", 50*time.Millisecond),
		},
		Notify: Notify{
			SMTP: SMTP{
				Host:     r.str("SMTP_HOST", ""),
				Port:     r.integer("SMTP_PORT", 587, 1, 65535),
				TLS:      r.oneOf("SMTP_TLS", SMTPStartTLS, SMTPStartTLS, SMTPImplicitTLS, SMTPTLSNone),
				Username: r.str("SMTP_USERNAME", ""),
				Password: r.str("SMTP_PASSWORD", ""),
				From:     r.str("SMTP_FROM", "taskstream@localhost"),
			},
			SMSURL:   r.str("SMS_WEBHOOK_URL", ""),
			SMSToken: r.str("SMS_WEBHOOK_TOKEN", ""),
			Timeout:  r.duration("NOTIFY_TIMEOUT", 10*time.Second),
		},
		Reminders: Reminders{
			Window:   r.durationFrom("REMINDER_WINDOW", 24*time.Hour, true),
			Interval: r.duration("REMINDER_INTERVAL", time.Minute),
			Channels: splitList(r.str("REMINDER_CHANNELS", "in_app")),
		},
		Results: Results{Workers: r.integer("RESULT_CALCULATOR_WORKERS", 4, 1, 256)},
		Auth: Auth{
			JWTSecret: r.str("AUTH_JWT_SECRET", ""),
			JWKSURL:   r.str("AUTH_JWKS_URL", ""),
			Issuer:    r.str("AUTH_JWT_ISSUER", ""),
			Audience:  r.str("AUTH_JWT_AUDIENCE", ""),
			// Operators named by id, beside the roles claim (ports/http/operator.go).
			OperatorSubjects: splitList(r.str("AUTH_OPERATOR_SUBJECTS", "")),
		},
	}
	c.Broker = r.broker(c.Kafka.Brokers, c.DatabaseURL)
	r.modeDefaults(&c)
	c.Limits = r.limits(c.HTTP.MaxConnections)
	r.check(c)
	if len(r.errs) > 0 {
		return Config{}, fmt.Errorf("configuration: %w", errors.Join(r.errs...))
	}
	return c, nil
}

func (r *reader) kafka() Kafka {
	brokers := r.str("KAFKA_BROKERS", "")
	if brokers == "" {
		brokers = r.str("KAFKA_BOOTSTRAP_SERVERS", "")
	}
	k := Kafka{
		Brokers:               splitList(brokers),
		ClientID:              r.str("KAFKA_CLIENT_ID", "taskstream"),
		SecurityProtocol:      r.oneOf("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
		SASLMechanism:         r.oneOf("KAFKA_SASL_MECHANISM", "", "", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
		SASLUsername:          r.str("KAFKA_SASL_USERNAME", ""),
		SASLPassword:          r.str("KAFKA_SASL_PASSWORD", ""),
		TLSCAFile:             r.str("KAFKA_TLS_CA_FILE", ""),
		TLSCertFile:           r.str("KAFKA_TLS_CERT_FILE", ""),
		TLSKeyFile:            r.str("KAFKA_TLS_KEY_FILE", ""),
		TLSInsecureSkipVerify: r.boolean("KAFKA_TLS_INSECURE_SKIP_VERIFY", false),
		// issue 10: SASL PLAIN without TLS is refused unless allowed (kafka_transport.go).
		AllowPlaintextPassword: r.boolean("KAFKA_ALLOW_PLAINTEXT_PASSWORD", false),
	}
	for _, b := range k.Brokers {
		host, port, err := net.SplitHostPort(b)
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			r.fail("KAFKA_BROKERS", "%q is not host:port", redactHostPort(b))
		}
	}
	return k
}

// broker picks the broker: BROKER when set, else Kafka when brokers are configured and
// KAFKA_ENABLED is not false, else PostgreSQL when DATABASE_URL is set (events then survive a
// crash as the data does), else GoChannel.
func (r *reader) broker(brokers []string, databaseURL string) Broker {
	enabled := r.boolean("KAFKA_ENABLED", true)
	def := string(BrokerGoChannel)
	switch {
	case enabled && len(brokers) > 0:
		def = string(BrokerKafka)
	case databaseURL != "":
		def = string(BrokerPostgres)
	}
	b := Broker(r.oneOf("BROKER", def, string(BrokerKafka), string(BrokerPostgres), string(BrokerGoChannel)))
	if b == BrokerKafka && !enabled {
		r.fail("BROKER", "is kafka but KAFKA_ENABLED is false")
	}
	if b == BrokerKafka && len(brokers) == 0 {
		r.fail("KAFKA_BROKERS", "must be set when BROKER is kafka")
	}
	return b
}

// check validates the rules that span several variables.
func (r *reader) check(c Config) {
	r.checkKafka(c)
	if u := c.DatabaseURL; strings.Contains(u, "://") && !validDatabaseURL(u) {
		r.fail("DATABASE_URL", "must be a postgres:// or postgresql:// URL, or a key=value DSN")
	}
	if s := c.Auth.JWTSecret; s != "" && len(s) < 32 {
		r.fail("AUTH_JWT_SECRET", "must be at least 32 bytes, got %d", len(s))
	}
	r.checkAuth(c)
	if c.Broker == BrokerKafka && c.DatabaseURL == "" {
		r.fail("DATABASE_URL", "must be set when KAFKA_BROKERS is: the worker would commit Kafka offsets for to-dos kept only in memory")
	}
	if c.Broker == BrokerPostgres && c.DatabaseURL == "" {
		r.fail("DATABASE_URL", "must be set when BROKER is postgres")
	}
	if c.Retry.InitialInterval > c.Retry.MaxInterval {
		r.fail("CONSUMER_RETRY_INITIAL_INTERVAL", "must be at most CONSUMER_RETRY_MAX_INTERVAL")
	}
	if c.Ingest.Linger <= 0 || c.Ingest.MaxWait <= 0 || c.Ingest.Linger > c.Ingest.MaxWait {
		r.fail("TODO_BATCH_LINGER", "must be positive and at most TODO_BATCH_MAX_WAIT")
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		r.fail("HTTP_ADDR", "must be host:port or :port, got %q", c.HTTPAddr)
	}
	if c.ShutdownTimeout <= 0 {
		r.fail("SHUTDOWN_TIMEOUT", "must be positive")
	}
	r.checkNotify(c)
	r.checkHTTPEdge(c)
	r.checkJWKSURL(c.Auth.JWKSURL)
}

// checkNotify validates the notification channels and reminders.
func (r *reader) checkNotify(c Config) {
	if (c.Notify.SMTP.Username == "") != (c.Notify.SMTP.Password == "") {
		r.fail("SMTP_USERNAME", "and SMTP_PASSWORD must be set together")
	}
	if c.Notify.SMTP.Username != "" && c.Notify.SMTP.TLS == SMTPTLSNone {
		r.fail("SMTP_TLS", "must be starttls or tls when SMTP_USERNAME is set: the password would travel in clear")
	}
	if !strings.Contains(c.Notify.SMTP.From, "@") {
		r.fail("SMTP_FROM", "must be an email address, got %q", c.Notify.SMTP.From)
	}
	if u := c.Notify.SMSURL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			r.fail("SMS_WEBHOOK_URL", "must be an http:// or https:// URL, got %q", redactURL(u))
		}
	}
	if len(c.Reminders.Channels) == 0 {
		r.fail("REMINDER_CHANNELS", "must name at least one of in_app, email, sms")
	}
	named := map[string]bool{}
	for _, ch := range c.Reminders.Channels {
		if ch != "in_app" && ch != "email" && ch != "sms" {
			r.fail("REMINDER_CHANNELS", "must be in_app, email or sms, got %q", ch)
		}
		if named[ch] {
			r.fail("REMINDER_CHANNELS", "names %q twice: the notification-service refuses such a request", ch)
		}
		named[ch] = true
	}
}

// checkKafka validates the Kafka settings that depend on each other.
func (r *reader) checkKafka(c Config) {
	k := c.Kafka
	r.checkKafkaTransport(k)
	sasl := strings.HasPrefix(k.SecurityProtocol, "SASL_")
	if sasl && k.SASLMechanism == "" {
		r.fail("KAFKA_SASL_MECHANISM", "must be set when KAFKA_SECURITY_PROTOCOL is %s", k.SecurityProtocol)
	}
	if sasl && (k.SASLUsername == "" || k.SASLPassword == "") {
		r.fail("KAFKA_SASL_USERNAME", "and KAFKA_SASL_PASSWORD must be set when KAFKA_SECURITY_PROTOCOL is %s", k.SecurityProtocol)
	}
	if (k.TLSCertFile == "") != (k.TLSKeyFile == "") {
		r.fail("KAFKA_TLS_CERT_FILE", "and KAFKA_TLS_KEY_FILE must be set together")
	}
	// Settings the chosen protocol would silently ignore are refused: an operator who set them
	// expects them to take effect.
	if !sasl && (k.SASLMechanism != "" || k.SASLUsername != "" || k.SASLPassword != "") {
		r.fail("KAFKA_SASL_MECHANISM", "and KAFKA_SASL_USERNAME/PASSWORD need KAFKA_SECURITY_PROTOCOL SASL_PLAINTEXT or SASL_SSL, got %s", k.SecurityProtocol)
	}
	tls := k.SecurityProtocol == "SSL" || k.SecurityProtocol == "SASL_SSL"
	if !tls && (k.TLSCAFile != "" || k.TLSCertFile != "" || k.TLSInsecureSkipVerify) {
		r.fail("KAFKA_TLS_CA_FILE", "/CERT_FILE/KEY_FILE/INSECURE_SKIP_VERIFY need KAFKA_SECURITY_PROTOCOL SSL or SASL_SSL, got %s", k.SecurityProtocol)
	}
	seen := map[string]string{}
	for _, t := range []struct{ env, name string }{
		{"KAFKA_TOPIC_TODO_CREATE", c.Topics.TodoCreate}, {"KAFKA_TOPIC_TASK_EVENTS", c.Topics.TaskEvents},
		{"KAFKA_TOPIC_TASK_UPDATES", c.Topics.TaskUpdates}, {"KAFKA_TOPIC_NOTIFICATION_REQUEST", c.Topics.NotificationRequest},
		{"KAFKA_TOPIC_NOTIFICATION_CREATED", c.Topics.NotificationCreated},
		{"KAFKA_TOPIC_TEST_SUBMISSIONS", c.Topics.TestSubmissions}, {"KAFKA_TOPIC_TEST_RESULTS_READY", c.Topics.TestResultsReady},
		{"KAFKA_TOPIC_POISON", c.Topics.Poison},
	} {
		if other, dup := seen[t.name]; dup {
			r.fail(t.env, "must differ from %s (both %q): consumers would read each other's messages", other, t.name)
		}
		seen[t.name] = t.env
	}
	r.distinctGroups(c.Groups)
	if c.Topics.ReplicationFactor == 0 {
		r.fail("KAFKA_TOPIC_REPLICATION_FACTOR", "must be -1 (the broker's default) or 1 to 32, got 0")
	}
}

// distinctGroups refuses two consumers sharing a group: Kafka would split the partitions
// between them, and each would miss what the other was given.
func (r *reader) distinctGroups(g Groups) {
	seen := map[string]string{}
	for _, e := range []struct{ env, name string }{
		{"KAFKA_CONSUMER_GROUP_TODO", g.Todo}, {"KAFKA_CONSUMER_GROUP_AUDIT", g.Audit},
		{"KAFKA_CONSUMER_GROUP_WEBSOCKET", g.WebSocket}, {"KAFKA_CONSUMER_GROUP_NOTIFICATION", g.Notification},
		{"KAFKA_CONSUMER_GROUP_RESULTS", g.Results}, {"KAFKA_CONSUMER_GROUP_ANALYTICS", g.Analytics},
	} {
		if other, dup := seen[e.name]; dup {
			r.fail(e.env, "must differ from %s (both %q): the two consumers would split the partitions and each miss messages", other, e.name)
		}
		seen[e.name] = e.env
	}
}

// validDatabaseURL checks the URL form of DATABASE_URL for what is surely wrong: a URL that does
// not parse or names another scheme. The rest (an empty host for a Unix socket, a database that
// defaults to the user) is the driver's to judge when it connects.
func validDatabaseURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql")
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
