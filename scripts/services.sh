#!/usr/bin/env bash
# Starts the real services Taskstream's tests need, without Docker:
#   - PostgreSQL from Debian's packages, in its own data directory;
#   - Apache Kafka (KRaft), its jars fetched with Maven: one combined broker+controller node by
#     default, or a cluster of KAFKA_NODES such nodes (scripts/kafka/cluster.sh);
#   - the observability services: Prometheus, and Jaeger all-in-one, built with Go from
#     scripts/jaeger/go.mod and cached (scripts/jaeger/jaeger.sh): OTLP on 127.0.0.1:4318 (HTTP)
#     and 4317 (gRPC), the query API on 127.0.0.1:16686, traces in memory.
#
# Usage: scripts/services.sh [up|down|status|env|observability|observability-down|jaeger|jaeger-down]
#        (default: up)
#
#   up      start whatever is not running yet (reuses a server already answering on its port)
#   down    stop what this script started (by its pid files): PostgreSQL, the single Kafka node,
#           the cluster and Jaeger; with KAFKA_NODES=3, the cluster alone
#   status  say what runs
#   env     print `export DATABASE_URL=...`, `export KAFKA_BROKERS=...` and the SASL_SSL
#           listener's KAFKA_SASL_SSL_BROKERS and KAFKA_SASL_SSL_CA_FILE (eval "$(scripts/services.sh env)")
#   observability       start Prometheus (Debian's package) on 127.0.0.1:9090 (PROMETHEUS_PORT),
#                       scraping Taskstream on 127.0.0.1:8080 (deploy/prometheus/prometheus.yml)
#                       and Jaeger (below)
#   observability-down  stop them
#   jaeger              start Jaeger alone (built once, a few minutes of CPU; `make test` needs it)
#   jaeger-down         stop it
#
# Settings (environment):
#   TASKSTREAM_SERVICES_DIR  state directory (default: $HOME/.cache/taskstream/services)
#   PGPORT                   PostgreSQL port (default 5432)
#   KAFKA_NODES              1 (default): the single node; 3 (up to 9): a cluster on other ports
#   KAFKA_PORT               single node's client port (default 9092); KAFKA_CONTROLLER_PORT (9093);
#                            KAFKA_SASL_SSL_PORT (9094), its SASL_SSL listener
#   KAFKA_CLUSTER_PORT       the cluster's first client port (default 19092): node N listens on
#                            PORT+100*(N-1), its controller on that +1 and its SASL_SSL listener +2
#
# Every Kafka node has a SASL_SSL listener: SCRAM-SHA-512 user taskstream, password
# taskstream-secret, and a certificate for 127.0.0.1/localhost signed by a CA of our own
# ($TASKSTREAM_SERVICES_DIR/tls/ca.pem; scripts/kafka/tls.sh).
#
# Everything listens on 127.0.0.1 only. Works as root (PostgreSQL then runs as the `postgres`
# OS user, and missing Debian packages are installed) and as an ordinary user (no apt, no sudo).
# Progress goes to stderr; only `env` and `status` write to stdout.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="${TASKSTREAM_SERVICES_DIR:-$HOME/.cache/taskstream/services}"
PGPORT="${PGPORT:-5432}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-9094}"
KAFKA_NODES="${KAFKA_NODES:-1}"
KAFKA_CLUSTER_PORT="${KAFKA_CLUSTER_PORT:-19092}"
KAFKA_VERSION=4.3.1                       # keep in step with scripts/kafka/pom.xml
KAFKA_POM="$REPO_DIR/scripts/kafka/pom.xml"
HOST=127.0.0.1
DB_USER=taskstream
DB_PASSWORD=taskstream
DB_NAME=taskstream
SCRAM_USER=taskstream                     # the SASL_SSL listeners' user (SCRAM-SHA-512)
SCRAM_PASSWORD=taskstream-secret

KAFKA_DIR="$SERVICES_DIR/kafka"           # the single node, and the jars every node runs

# shellcheck source-path=SCRIPTDIR source=kafka/tls.sh
source "$REPO_DIR/scripts/kafka/tls.sh"
# shellcheck source-path=SCRIPTDIR source=kafka/cluster.sh
source "$REPO_DIR/scripts/kafka/cluster.sh"
# shellcheck source-path=SCRIPTDIR source=observability/prometheus.sh
source "$REPO_DIR/scripts/observability/prometheus.sh"
# shellcheck source-path=SCRIPTDIR source=jaeger/jaeger.sh
source "$REPO_DIR/scripts/jaeger/jaeger.sh"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

apt_install() {
  is_root || die "missing packages ($*): install them (apt-get install $*) or run as root"
  command -v apt-get >/dev/null || die "missing packages ($*) and no apt-get to install them"
  log "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "$@" >&2
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------

PG_HOME=""   # directory holding data/, the socket and the log (owned by the server's OS user)
PG_LINK=""   # set when PG_HOME lives elsewhere and $SERVICES_DIR/pg is to be a symlink to it
PG_DATA=""
PG_BIN=""

pg_setup_paths() {
  PG_HOME="$SERVICES_DIR/pg"
  if [[ -L $PG_HOME ]]; then
    PG_HOME="$(readlink -f "$PG_HOME")"
  elif is_root && ! (cd / && runuser -u postgres -- test -x "$SERVICES_DIR") 2>/dev/null; then
    # Root's home is usually mode 0700, so the postgres user cannot reach a directory under it.
    # Keep the cluster in postgres's own home, with a symlink at the usual place.
    [[ -e $PG_HOME ]] && die "$PG_HOME exists but the postgres user cannot reach it; remove it or set TASKSTREAM_SERVICES_DIR"
    PG_LINK="$PG_HOME"
    PG_HOME="/var/lib/postgresql/taskstream-$(printf '%s' "$SERVICES_DIR" | md5sum | cut -c1-8)"
  fi
  PG_DATA="$PG_HOME/data"
}

# Newest PostgreSQL major installed from Debian's packages, or nothing.
pg_newest_major() {
  local d
  for d in /usr/lib/postgresql/*/bin/initdb; do
    if [[ -x $d ]]; then basename "$(dirname "$(dirname "$d")")"; fi
  done | sort -V | tail -n1
}

pg_find_bin() {
  local ver=""
  if [[ -f $PG_DATA/PG_VERSION ]]; then
    ver="$(cat "$PG_DATA/PG_VERSION")"
    [[ -x /usr/lib/postgresql/$ver/bin/postgres ]] \
      || die "$PG_DATA was made by PostgreSQL $ver, which is not installed; remove $PG_HOME to start afresh"
  else
    ver="$(pg_newest_major)"
  fi
  if [[ -z $ver ]]; then
    apt_install postgresql
    # Debian's package may start its own "main" cluster on 5432; free the port for ours.
    if command -v pg_lsclusters >/dev/null; then
      pg_lsclusters -h 2>/dev/null | while read -r v c port status _; do
        if [[ $port == "$PGPORT" && $status == online* ]]; then
          log "stopping Debian's default cluster $v/$c that the install started on port $port"
          pg_ctlcluster "$v" "$c" stop || true
        fi
      done
    fi
    ver="$(pg_newest_major)"
    [[ -n $ver ]] || die "no PostgreSQL server found after installing postgresql"
  fi
  PG_BIN="/usr/lib/postgresql/$ver/bin"
}

# as_pg CMD...: run as the OS user that owns the cluster (postgres when we are root).
as_pg() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# pid_runs PID TEXT: whether process PID's command line holds TEXT, a fixed string (not just any
# process that inherited a stale pid).
pid_runs() {
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" && [[ $cmdline == *"$2"* ]]
}

pg_ours_running() {
  [[ -n $PG_DATA && -f $PG_DATA/postmaster.pid ]] || return 1
  pid_runs "$(head -n 1 "$PG_DATA/postmaster.pid")" "$PG_DATA" \
    && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

pg_write_conf() {
  # Regenerated on every start; postgresql.conf includes it.
  cat >"$PG_DATA/taskstream.conf" <<EOF
# Written by scripts/services.sh; changes are overwritten on the next start.
listen_addresses = '$HOST'
port = $PGPORT
unix_socket_directories = '$PG_HOME'
max_connections = 300
shared_buffers = 256MB
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  if is_root; then chown postgres:postgres "$PG_DATA/taskstream.conf"; fi
}

pg_init() {
  mkdir -p "$PG_HOME"
  if is_root; then chown postgres:postgres "$PG_HOME"; fi
  chmod 700 "$PG_HOME"
  if [[ -n $PG_LINK ]]; then ln -sfn "$PG_HOME" "$PG_LINK"; fi
  log "initialising PostgreSQL $(basename "$(dirname "$PG_BIN")") cluster in $PG_DATA"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_HOME/initdb.log" 2>&1 \
    || { cat "$PG_HOME/initdb.log" >&2; die "initdb failed"; }
  echo "include 'taskstream.conf'" >>"$PG_DATA/postgresql.conf"
}

# Create (or refresh) the taskstream role and database. $1: "ours" or "foreign".
pg_ensure_role_db() {
  local sql
  sql="$(cat <<EOF
SET client_min_messages = warning;
SELECT 'CREATE ROLE $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER')
\gexec
ALTER ROLE $DB_USER WITH LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
-- Tests drop their databases WITH (FORCE), which must be able to stop an autovacuum worker.
GRANT pg_signal_backend TO $DB_USER;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')
\gexec
EOF
)"
  if [[ $1 == ours ]]; then
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOME" -p "$PGPORT" -U postgres -d postgres <<<"$sql" >/dev/null
    return
  fi
  local psql="${PG_BIN:+$PG_BIN/}psql"
  command -v "$psql" >/dev/null || die "a PostgreSQL server answers on port $PGPORT, but there is no psql to check it; install a PostgreSQL client"
  if PGPASSWORD=$DB_PASSWORD "$psql" -X -q -h "$HOST" -p "$PGPORT" -U "$DB_USER" -d "$DB_NAME" -c 'select 1' >/dev/null 2>&1; then
    return 0
  elif is_root && id postgres >/dev/null 2>&1 \
       && as_pg "$psql" -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -U postgres -d postgres <<<"$sql" >/dev/null 2>&1; then
    log "created role/database $DB_USER in the PostgreSQL server already on port $PGPORT"
  else
    die "a PostgreSQL server not started by this script answers on port $PGPORT, and $DB_USER cannot log in to it; stop it or set PGPORT"
  fi
}

pg_up() {
  pg_setup_paths
  if [[ -f $PG_DATA/postmaster.pid ]] && pid_runs "$(head -n 1 "$PG_DATA/postmaster.pid")" "$PG_DATA"; then
    pg_find_bin
    if pg_ours_running; then
      log "PostgreSQL: already running (data $PG_DATA, port $PGPORT)"
      pg_ensure_role_db ours
      return
    fi
  fi
  if port_open "$PGPORT"; then
    # Someone else's server (docker compose's, say): use it through any psql, install nothing.
    log "PostgreSQL: a server already answers on $HOST:$PGPORT; reusing it"
    pg_ensure_role_db foreign
    return
  fi
  pg_find_bin
  [[ -f $PG_DATA/PG_VERSION ]] || pg_init
  if [[ -f $PG_DATA/postmaster.pid ]]; then
    # Left by a machine that went down; PostgreSQL would take a live pid in it for a rival.
    log "PostgreSQL: removing the stale postmaster.pid of a server that is gone"
    rm -f "$PG_DATA/postmaster.pid"
  fi
  pg_write_conf
  log "PostgreSQL: starting on $HOST:$PGPORT"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_HOME/postgres.log" -w -t 60 start >/dev/null 9>&- \
    || { tail -n 40 "$PG_HOME/postgres.log" >&2 || true; die "PostgreSQL did not start"; }
  pg_ensure_role_db ours
  log "PostgreSQL: ready (log $PG_HOME/postgres.log)"
}

pg_down() {
  pg_setup_paths
  if [[ ! -f $PG_DATA/postmaster.pid ]] || ! pid_runs "$(head -n 1 "$PG_DATA/postmaster.pid")" "$PG_DATA"; then
    log "PostgreSQL: not running (ours)"
    return
  fi
  pg_find_bin
  log "PostgreSQL: stopping"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null || log "PostgreSQL: pg_ctl stop failed"
}

pg_status() {
  pg_setup_paths
  if [[ -f $PG_DATA/PG_VERSION ]]; then pg_find_bin; fi
  if [[ -n $PG_BIN ]] && pg_ours_running; then
    echo "postgres: running (pid $(head -n1 "$PG_DATA/postmaster.pid"), $HOST:$PGPORT, data $PG_DATA)"
  elif port_open "$PGPORT"; then
    echo "postgres: a server not started by this script answers on $HOST:$PGPORT"
  else
    echo "postgres: not running"
  fi
}

# ---------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------

KAFKA_LIBS=""

# The node the kafka_node_* functions act on: kafka_single_node or kafka_cluster_node sets these.
NODE_NAME=""            # in messages: "Kafka", "Kafka node 2"
NODE_ID=1
NODE_DIR=""             # server.properties, kafka.pid, data/ and logs/ of the node
NODE_PORT=""            # PLAINTEXT listener, the clients' and the other brokers'
NODE_CONTROLLER_PORT=""
NODE_SASL_PORT=""       # SASL_SSL listener
NODE_ID_FILE=""         # the cluster id, shared by the nodes of one cluster
NODE_VOTERS=""          # controller.quorum.voters of a cluster; empty: a quorum of this node alone
NODE_REPLICAS=1         # replication factor of every topic (internal ones too)
NODE_MIN_ISR=1          # min.insync.replicas
NODE_HEAP=1G

kafka_single_node() {
  NODE_NAME=Kafka
  NODE_ID=1
  NODE_DIR="$KAFKA_DIR"
  NODE_PORT=$KAFKA_PORT
  NODE_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
  NODE_SASL_PORT=$KAFKA_SASL_SSL_PORT
  NODE_ID_FILE="$KAFKA_DIR/cluster.id"
  NODE_VOTERS=""
  NODE_REPLICAS=1
  NODE_MIN_ISR=1
  NODE_HEAP=1G
}

kafka_need_java() {
  command -v java >/dev/null || apt_install default-jre-headless
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ ${major%%.*} -ge 17 ]] 2>/dev/null || die "Kafka $KAFKA_VERSION needs Java 17 or newer (found ${major:-none})"
}

# Copies the broker's runtime jars into a directory named after the pom's hash (cached); the
# single node and the cluster's nodes run the same jars.
kafka_fetch() {
  local hash
  hash="$(sha256sum "$KAFKA_POM" | cut -c1-12)"
  KAFKA_LIBS="$KAFKA_DIR/libs-$hash"
  [[ -f $KAFKA_LIBS/.complete ]] && return
  command -v mvn >/dev/null || apt_install maven
  log "Kafka: fetching Kafka $KAFKA_VERSION jars with Maven (first run only)"
  local tmp="$KAFKA_LIBS.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KAFKA_DIR/mvn.log" 2>&1 \
    || { tail -n 40 "$KAFKA_DIR/mvn.log" >&2; rm -rf "$tmp"; die "Maven could not fetch Kafka's jars"; }
  touch "$tmp/.complete"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  local jars=("$KAFKA_LIBS"/*.jar)
  log "Kafka: ${#jars[@]} jars in $KAFKA_LIBS"
}

# Everything a node needs before it starts, whatever the node: Java, the jars and the TLS chain.
kafka_prepare() {
  mkdir -p "$KAFKA_DIR"
  kafka_need_java
  kafka_fetch
  tls_ensure
}

kafka_write_config() {
  mkdir -p "$NODE_DIR/logs" "$NODE_DIR/data"
  local quorum replication
  if [[ -z $NODE_VOTERS ]]; then
    quorum="controller.quorum.bootstrap.servers=$HOST:$NODE_CONTROLLER_PORT"
    replication="# One node: every topic, the internal ones too, with replication factor 1 and min ISR 1."
  else
    quorum="controller.quorum.voters=$NODE_VOTERS"
    replication="# Every topic on $NODE_REPLICAS nodes; acks=all needs $NODE_MIN_ISR in sync, so writes go on with a node down."
  fi
  cat >"$NODE_DIR/server.properties" <<EOF
# Written by scripts/services.sh; changes are overwritten on the next start.
# $NODE_NAME: KRaft combined mode (broker and controller), loopback only.
process.roles=broker,controller
node.id=$NODE_ID
listeners=PLAINTEXT://$HOST:$NODE_PORT,CONTROLLER://$HOST:$NODE_CONTROLLER_PORT,SASL_SSL://$HOST:$NODE_SASL_PORT
advertised.listeners=PLAINTEXT://$HOST:$NODE_PORT,SASL_SSL://$HOST:$NODE_SASL_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
$quorum
log.dirs=$NODE_DIR/data

# SASL_SSL: SCRAM-SHA-512 users, stored in the metadata log when the storage is formatted; the
# certificate chain of scripts/kafka/tls.sh. The brokers and controllers talk to each other on
# PLAINTEXT, on loopback.
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$TLS_KEYSTORE

$replication
offsets.topic.replication.factor=$NODE_REPLICAS
transaction.state.log.replication.factor=$NODE_REPLICAS
transaction.state.log.min.isr=$NODE_MIN_ISR
share.coordinator.state.topic.replication.factor=$NODE_REPLICAS
share.coordinator.state.topic.min.isr=$NODE_MIN_ISR
default.replication.factor=$NODE_REPLICAS
min.insync.replicas=$NODE_MIN_ISR

# Topics the tests use appear on first use, with 4 partitions.
num.partitions=4
auto.create.topics.enable=true
# Consumer groups start at once (default 3 s delay).
group.initial.rebalance.delay.ms=0
EOF
  cat >"$NODE_DIR/log4j2.properties" <<'EOF'
# Written by scripts/services.sh; changes are overwritten on the next start.
status = warn
name = taskstream-kafka
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.filePattern = ${sys:kafka.logs.dir}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.statechange.name = state.change.logger
logger.statechange.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
EOF
}

# kafka_java_cmd HEAP LOG_DIR: the java command line of a broker or a tool of the current node.
kafka_java_cmd() {
  KAFKA_JAVA=(java "-Xmx$1" -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    -Dkafka.logs.dir="$2"
    -Dlog4j2.configurationFile="$NODE_DIR/log4j2.properties"
    -cp "$KAFKA_LIBS/*")
}

# kafka_java ARGS...: runs one of Kafka's tools; its own log goes to logs/tools, away from the
# broker's server.log.
kafka_java() {
  local KAFKA_JAVA
  kafka_java_cmd 256m "$NODE_DIR/logs/tools"
  "${KAFKA_JAVA[@]}" "$@"
}

# The SCRAM users of the SASL_SSL listener (SCRAM-SHA-512), for tests and local runs only.
kafka_scram_arg() { printf 'SCRAM-SHA-512=[name=%s,password=%s]' "$SCRAM_USER" "$SCRAM_PASSWORD"; }

# kafka_cluster_id prints the cluster id of the current node, made on first use.
kafka_cluster_id() {
  local id log="$NODE_DIR/logs/storage-tool.log"
  if [[ ! -s $NODE_ID_FILE ]]; then
    mkdir -p "$NODE_DIR/logs"
    id="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$log" | tail -n1)"
    [[ -n $id ]] || die "StorageTool random-uuid printed nothing (see $log)"
    echo "$id" >"$NODE_ID_FILE"
  fi
  cat "$NODE_ID_FILE"
}

kafka_format() {
  [[ -f $NODE_DIR/data/meta.properties ]] && return
  local id log="$NODE_DIR/logs/storage-tool.log"
  id="$(kafka_cluster_id)"
  # A quorum of one formats with --standalone; a cluster's nodes know the voters from
  # controller.quorum.voters.
  local quorum=()
  [[ -n $NODE_VOTERS ]] || quorum=(--standalone)
  log "$NODE_NAME: formatting storage (cluster id $id, SCRAM user $SCRAM_USER)"
  kafka_java kafka.tools.StorageTool format -t "$id" -c "$NODE_DIR/server.properties" \
    "${quorum[@]}" --add-scram "$(kafka_scram_arg)" --ignore-formatted >>"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; die "Kafka storage format failed"; }
  touch "$NODE_DIR/scram-users"
}

# Storage formatted before the SASL_SSL listener existed has no SCRAM user: add it through the
# running broker, once.
kafka_ensure_scram_user() {
  [[ -f $NODE_DIR/scram-users ]] && return
  local log="$NODE_DIR/logs/config-command.log"
  log "$NODE_NAME: adding the SCRAM user $SCRAM_USER to storage formatted without it"
  kafka_java kafka.admin.ConfigCommand --bootstrap-server "$HOST:$NODE_PORT" --alter \
    --add-config "SCRAM-SHA-512=[password=$SCRAM_PASSWORD]" --entity-type users --entity-name "$SCRAM_USER" \
    >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "could not add the SCRAM user (see $log)"; }
  touch "$NODE_DIR/scram-users"
}

# kafka_pid prints the pid of the current node when it runs. A pid file left by a machine that
# went down may name another process by now: only our own kafka.Kafka (with this node's
# server.properties) counts.
kafka_pid() {
  local pid
  [[ -f $NODE_DIR/kafka.pid ]] || return 1
  pid="$(cat "$NODE_DIR/kafka.pid")"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && pid_runs "$pid" "kafka.Kafka $NODE_DIR/server.properties" && echo "$pid"
}

kafka_fail() {
  local logs="$NODE_DIR/logs"
  log "$NODE_NAME: $1; last lines of $logs/server.log and stdout.log:"
  tail -n 60 "$logs/server.log" >&2 2>/dev/null || true
  tail -n 20 "$logs/stdout.log" >&2 2>/dev/null || true
  exit 1
}

# kafka_node_start starts the current node unless it runs, or something else answers on its
# port, and returns at once; kafka_node_wait waits for it.
kafka_node_start() {
  mkdir -p "$NODE_DIR"
  if port_open "$NODE_PORT"; then
    if kafka_pid >/dev/null; then
      log "$NODE_NAME: already running (pid $(kafka_pid), $HOST:$NODE_PORT)"
      grep -q "SASL_SSL://$HOST:$NODE_SASL_PORT" "$NODE_DIR/server.properties" \
        || log "$NODE_NAME: started without the SASL_SSL listener on $NODE_SASL_PORT; restart it (down, then up) to add it"
    else
      log "$NODE_NAME: something already answers on $HOST:$NODE_PORT; reusing it"
    fi
    return
  fi
  local pid
  if pid="$(kafka_pid)"; then
    log "$NODE_NAME: pid $pid is running but $HOST:$NODE_PORT does not answer yet; waiting for it"
    return
  fi
  rm -f "$NODE_DIR/kafka.pid"
  kafka_write_config
  kafka_format
  log "$NODE_NAME: starting Kafka $KAFKA_VERSION on $HOST:$NODE_PORT (SASL_SSL $NODE_SASL_PORT, controller $NODE_CONTROLLER_PORT)"
  # setsid+nohup: the broker outlives this script and its terminal; fd 9 is our lock.
  local KAFKA_JAVA
  kafka_java_cmd "$NODE_HEAP" "$NODE_DIR/logs"
  echo "=== $(date '+%F %T') starting" >>"$NODE_DIR/logs/stdout.log"
  setsid nohup "${KAFKA_JAVA[@]}" kafka.Kafka "$NODE_DIR/server.properties" \
    >>"$NODE_DIR/logs/stdout.log" 2>&1 </dev/null 9>&- &
  echo "$!" >"$NODE_DIR/kafka.pid"
}

kafka_node_wait() {
  local pid="" deadline=$((SECONDS + 90))
  if [[ -f $NODE_DIR/kafka.pid ]]; then pid="$(cat "$NODE_DIR/kafka.pid")"; fi
  while ! port_open "$NODE_PORT"; do
    # kill -0, not kafka_pid: until the fork just made has exec'd java, its command line is
    # still this script's.
    if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$NODE_DIR/kafka.pid"
      kafka_fail "the broker exited"
    fi
    ((SECONDS < deadline)) || kafka_fail "port $NODE_PORT did not open within 90 s (pid $pid still running)"
    sleep 0.5
  done
  if pid="$(kafka_pid)"; then
    log "$NODE_NAME: ready (pid $pid, log $NODE_DIR/logs/server.log)"
  fi
}

# kafka_node_stop sends SIGTERM to the current node (found by its pid file alone);
# kafka_node_await waits for it to exit, killing it after 60 s.
kafka_node_stop() {
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$NODE_DIR/kafka.pid"
    if port_open "$NODE_PORT"; then
      log "$NODE_NAME: $HOST:$NODE_PORT answers but was not started by this script; leaving it"
    else
      log "$NODE_NAME: not running"
    fi
    return
  fi
  log "$NODE_NAME: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
}

kafka_node_await() {
  [[ -f $NODE_DIR/kafka.pid ]] || return 0
  local pid deadline=$((SECONDS + 60))
  pid="$(cat "$NODE_DIR/kafka.pid")"
  while kafka_pid >/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$NODE_NAME: still running after 60 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$NODE_DIR/kafka.pid"
  log "$NODE_NAME: stopped"
}

kafka_node_status() {
  local pid name
  name="$(tr '[:upper:]' '[:lower:]' <<<"$NODE_NAME")"
  if pid="$(kafka_pid)"; then
    if port_open "$NODE_PORT"; then
      local sasl="SASL_SSL $HOST:$NODE_SASL_PORT"
      port_open "$NODE_SASL_PORT" || sasl="no SASL_SSL listener: restart it"
      echo "$name: running (pid $pid, $HOST:$NODE_PORT, $sasl)"
    else
      echo "$name: starting (pid $pid, $HOST:$NODE_PORT not answering yet)"
    fi
  elif port_open "$NODE_PORT"; then
    echo "$name: a broker not started by this script answers on $HOST:$NODE_PORT"
  else
    echo "$name: not running"
  fi
}

# The single node, the default of `make test`.
kafka_up() {
  kafka_single_node
  kafka_prepare
  kafka_node_start
  kafka_node_wait
  if kafka_pid >/dev/null; then kafka_ensure_scram_user; fi
}

kafka_down() {
  kafka_single_node
  kafka_node_stop
  kafka_node_await
}

kafka_status() {
  kafka_single_node
  kafka_node_status
}

# ---------------------------------------------------------------------------------------------

# print_env: the addresses of the services of KAFKA_NODES; KAFKA_SASL_SSL_* name the SASL_SSL
# listeners and the CA of their certificates, for the tests (tests/component) and for
# KAFKA_SECURITY_PROTOCOL=SASL_SSL runs.
print_env() {
  local brokers="$HOST:$KAFKA_PORT" sasl="$HOST:$KAFKA_SASL_SSL_PORT" size
  if [[ $KAFKA_NODES != 1 ]]; then
    size="$(kafka_cluster_size)"
    brokers="$(kafka_cluster_list "$size" 0)"
    sasl="$(kafka_cluster_list "$size" 2)"
  fi
  echo "export DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@$HOST:$PGPORT/$DB_NAME?sslmode=disable"
  echo "export KAFKA_BROKERS=$brokers"
  echo "export KAFKA_SASL_SSL_BROKERS=$sasl"
  echo "export KAFKA_SASL_SSL_CA_FILE=$TLS_CA_FILE"
  echo "export KAFKA_SASL_SSL_USERNAME=$SCRAM_USER"
  echo "export KAFKA_SASL_SSL_PASSWORD=$SCRAM_PASSWORD"
}

lock() {
  mkdir -p "$SERVICES_DIR"
  exec 9>"$SERVICES_DIR/.lock"
  flock -w 300 9 || die "another scripts/services.sh is still running (lock $SERVICES_DIR/.lock)"
}

main() {
  local cmd="${1:-up}"
  if [[ $KAFKA_NODES != 1 ]]; then kafka_cluster_size >/dev/null; fi
  case "$cmd" in
    up)
      lock
      local t0=$SECONDS
      pg_up
      if [[ $KAFKA_NODES == 1 ]]; then kafka_up; else kafka_cluster_up; fi
      log "services up in $((SECONDS - t0)) s"
      ;;
    down)
      lock
      if [[ $KAFKA_NODES != 1 ]]; then
        kafka_cluster_down
        return
      fi
      kafka_cluster_down
      kafka_down
      pg_down
      jaeger_down
      ;;
    observability)
      lock
      prometheus_up
      jaeger_up
      ;;
    observability-down)
      lock
      prometheus_down
      jaeger_down
      ;;
    jaeger)
      lock
      jaeger_up
      ;;
    jaeger-down)
      lock
      jaeger_down
      ;;
    status)
      pg_status
      kafka_status
      kafka_cluster_status
      prometheus_status
      jaeger_status
      ;;
    env) print_env ;;
    -h | --help | help) sed -n '2,40p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$cmd' (use up, down, status, env, observability, observability-down, jaeger or jaeger-down)" ;;
  esac
}

main "$@"
