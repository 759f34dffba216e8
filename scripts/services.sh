#!/usr/bin/env bash
# Starts the real services Taskstream's tests need, without Docker:
#   - PostgreSQL from Debian's packages, in its own data directory;
#   - Apache Kafka (KRaft, single combined broker+controller node), its jars fetched with Maven.
#
# Usage: scripts/services.sh [up|down|status|env]     (default: up)
#
#   up      start whatever is not running yet (reuses a server already answering on its port)
#   down    stop both
#   status  say what runs
#   env     print `export DATABASE_URL=...` and `export KAFKA_BROKERS=...` (eval "$(scripts/services.sh env)")
#
# Settings (environment):
#   TASKSTREAM_SERVICES_DIR  state directory (default: $HOME/.cache/taskstream/services)
#   PGPORT                   PostgreSQL port (default 5432)
#   KAFKA_PORT               Kafka client port (default 9092); KAFKA_CONTROLLER_PORT (default 9093)
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
KAFKA_VERSION=4.3.1                       # keep in step with scripts/kafka/pom.xml
KAFKA_POM="$REPO_DIR/scripts/kafka/pom.xml"
HOST=127.0.0.1
DB_USER=taskstream
DB_PASSWORD=taskstream
DB_NAME=taskstream

KAFKA_DIR="$SERVICES_DIR/kafka"
KAFKA_PID_FILE="$KAFKA_DIR/kafka.pid"
KAFKA_LOG_DIR="$KAFKA_DIR/logs"

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

kafka_need_java() {
  command -v java >/dev/null || apt_install default-jre-headless
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ ${major%%.*} -ge 17 ]] 2>/dev/null || die "Kafka $KAFKA_VERSION needs Java 17 or newer (found ${major:-none})"
}

# Copies the broker's runtime jars into a directory named after the pom's hash (cached).
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

kafka_write_config() {
  mkdir -p "$KAFKA_LOG_DIR" "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by scripts/services.sh; changes are overwritten on the next start.
# Single node, KRaft combined mode, loopback only.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
log.dirs=$KAFKA_DIR/data

# One node: every internal topic with replication factor 1 and min ISR 1.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Topics the tests use appear on first use, with 4 partitions.
num.partitions=4
auto.create.topics.enable=true
# Consumer groups start at once (default 3 s delay).
group.initial.rebalance.delay.ms=0
EOF
  cat >"$KAFKA_DIR/log4j2.properties" <<'EOF'
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

kafka_java_cmd() {
  KAFKA_JAVA=(java -Xmx1G -Xms512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    -Dkafka.logs.dir="$KAFKA_LOG_DIR"
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties"
    -cp "$KAFKA_LIBS/*")
}

kafka_java() {
  local KAFKA_JAVA
  kafka_java_cmd
  "${KAFKA_JAVA[@]}" "$@"
}

kafka_format() {
  [[ -f $KAFKA_DIR/data/meta.properties ]] && return
  local id
  if [[ -s $KAFKA_DIR/cluster.id ]]; then
    id="$(cat "$KAFKA_DIR/cluster.id")"
  else
    id="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG_DIR/storage-tool.log" | tail -n1)"
    [[ -n $id ]] || die "StorageTool random-uuid printed nothing (see $KAFKA_LOG_DIR/storage-tool.log)"
    echo "$id" >"$KAFKA_DIR/cluster.id"
  fi
  log "Kafka: formatting storage (cluster id $id)"
  kafka_java kafka.tools.StorageTool format -t "$id" -c "$KAFKA_DIR/server.properties" \
    --standalone --ignore-formatted >>"$KAFKA_LOG_DIR/storage-tool.log" 2>&1 \
    || { tail -n 40 "$KAFKA_LOG_DIR/storage-tool.log" >&2; die "Kafka storage format failed"; }
}

# kafka_pid prints the pid of our broker when it runs. A pid file left by a machine that went
# down may name another process by now: only our own kafka.Kafka (with our server.properties) counts.
kafka_pid() {
  local pid
  [[ -f $KAFKA_PID_FILE ]] || return 1
  pid="$(cat "$KAFKA_PID_FILE")"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && pid_runs "$pid" "kafka.Kafka $KAFKA_DIR/server.properties" && echo "$pid"
}

kafka_fail() {
  log "Kafka: $1; last lines of $KAFKA_LOG_DIR/server.log and stdout.log:"
  tail -n 60 "$KAFKA_LOG_DIR/server.log" >&2 2>/dev/null || true
  tail -n 20 "$KAFKA_LOG_DIR/stdout.log" >&2 2>/dev/null || true
  exit 1
}

kafka_up() {
  mkdir -p "$KAFKA_DIR"
  if port_open "$KAFKA_PORT"; then
    if kafka_pid >/dev/null; then
      log "Kafka: already running (pid $(kafka_pid), $HOST:$KAFKA_PORT)"
    else
      log "Kafka: something already answers on $HOST:$KAFKA_PORT; reusing it"
    fi
    return
  fi
  local pid
  if pid="$(kafka_pid)"; then
    log "Kafka: pid $pid is running but $HOST:$KAFKA_PORT does not answer yet; waiting for it"
  else
    rm -f "$KAFKA_PID_FILE"
    kafka_need_java
    kafka_fetch
    kafka_write_config
    kafka_format
    log "Kafka: starting Kafka $KAFKA_VERSION on $HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
    # setsid+nohup: the broker outlives this script and its terminal; fd 9 is our lock.
    local KAFKA_JAVA
    kafka_java_cmd
    echo "=== $(date '+%F %T') starting" >>"$KAFKA_LOG_DIR/stdout.log"
    setsid nohup "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties" \
      >>"$KAFKA_LOG_DIR/stdout.log" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$KAFKA_PID_FILE"
  fi
  local deadline=$((SECONDS + 90))
  while ! port_open "$KAFKA_PORT"; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$KAFKA_PID_FILE"; kafka_fail "the broker exited"; }
    ((SECONDS < deadline)) || kafka_fail "port $KAFKA_PORT did not open within 90 s (pid $pid still running)"
    sleep 0.5
  done
  log "Kafka: ready (pid $pid, log $KAFKA_LOG_DIR/server.log)"
}

kafka_down() {
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$KAFKA_PID_FILE"
    if port_open "$KAFKA_PORT"; then
      log "Kafka: $HOST:$KAFKA_PORT answers but was not started by this script; leaving it"
    else
      log "Kafka: not running"
    fi
    return
  fi
  log "Kafka: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "Kafka: still running after 60 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$KAFKA_PID_FILE"
  log "Kafka: stopped"
}

kafka_status() {
  local pid
  if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_PORT"; then
      echo "kafka: running (pid $pid, $HOST:$KAFKA_PORT)"
    else
      echo "kafka: starting (pid $pid, $HOST:$KAFKA_PORT not answering yet)"
    fi
  elif port_open "$KAFKA_PORT"; then
    echo "kafka: a broker not started by this script answers on $HOST:$KAFKA_PORT"
  else
    echo "kafka: not running"
  fi
}

# ---------------------------------------------------------------------------------------------

print_env() {
  echo "export DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@$HOST:$PGPORT/$DB_NAME?sslmode=disable"
  echo "export KAFKA_BROKERS=$HOST:$KAFKA_PORT"
}

lock() {
  mkdir -p "$SERVICES_DIR"
  exec 9>"$SERVICES_DIR/.lock"
  flock -w 300 9 || die "another scripts/services.sh is still running (lock $SERVICES_DIR/.lock)"
}

main() {
  local cmd="${1:-up}"
  case "$cmd" in
    up)
      lock
      local t0=$SECONDS
      pg_up
      kafka_up
      log "services up in $((SECONDS - t0)) s"
      ;;
    down)
      lock
      kafka_down
      pg_down
      ;;
    status)
      pg_status
      kafka_status
      ;;
    env) print_env ;;
    -h | --help | help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$cmd' (use up, down, status or env)" ;;
  esac
}

main "$@"
