# shellcheck shell=bash
# Prometheus for scripts/services.sh (sourced; uses its HOST, SERVICES_DIR, REPO_DIR, log, die,
# port_open, pid_runs and apt_install): Debian's /usr/bin/prometheus, started by us, not by the
# package's systemd unit, on $HOST:$PROMETHEUS_PORT with deploy/prometheus/prometheus.yml (the
# rule files beside it), scraping the Taskstream processes on loopback. Its data lives in the
# services directory and goes with it.

PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
PROMETHEUS_DIR="$SERVICES_DIR/prometheus"
PROMETHEUS_CONFIG="$REPO_DIR/deploy/prometheus/prometheus.yml"

# prometheus_pid prints the pid of our Prometheus when it runs (a stale pid file may name another
# process by now: only a prometheus with our data directory counts).
prometheus_pid() {
  local pid
  [[ -f $PROMETHEUS_DIR/prometheus.pid ]] || return 1
  pid="$(cat "$PROMETHEUS_DIR/prometheus.pid")"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && pid_runs "$pid" "--storage.tsdb.path=$PROMETHEUS_DIR/data" && echo "$pid"
}

prometheus_up() {
  local pid
  if pid="$(prometheus_pid)"; then
    log "Prometheus: already running (pid $pid, http://$HOST:$PROMETHEUS_PORT)"
    return
  fi
  if port_open "$PROMETHEUS_PORT"; then
    log "Prometheus: something already answers on $HOST:$PROMETHEUS_PORT; reusing it"
    return
  fi
  [[ -x /usr/bin/prometheus ]] || apt_install prometheus
  mkdir -p "$PROMETHEUS_DIR/data"
  log "Prometheus: starting on http://$HOST:$PROMETHEUS_PORT (config $PROMETHEUS_CONFIG)"
  echo "=== $(date '+%F %T') starting" >>"$PROMETHEUS_DIR/prometheus.log"
  # setsid+nohup: it outlives this script and its terminal; fd 9 is our lock.
  setsid nohup /usr/bin/prometheus \
    --config.file="$PROMETHEUS_CONFIG" \
    --storage.tsdb.path="$PROMETHEUS_DIR/data" \
    --storage.tsdb.retention.time=2d \
    --web.listen-address="$HOST:$PROMETHEUS_PORT" \
    --web.enable-lifecycle \
    >>"$PROMETHEUS_DIR/prometheus.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PROMETHEUS_DIR/prometheus.pid"
  local deadline=$((SECONDS + 30))
  until port_open "$PROMETHEUS_PORT"; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
      tail -n 20 "$PROMETHEUS_DIR/prometheus.log" >&2
      die "Prometheus did not start (log $PROMETHEUS_DIR/prometheus.log)"
    fi
    sleep 0.3
  done
  log "Prometheus: ready (pid $pid, http://$HOST:$PROMETHEUS_PORT, log $PROMETHEUS_DIR/prometheus.log)"
}

prometheus_down() {
  local pid deadline=$((SECONDS + 30))
  if ! pid="$(prometheus_pid)"; then
    rm -f "$PROMETHEUS_DIR/prometheus.pid"
    log "Prometheus: not running (ours)"
    return
  fi
  log "Prometheus: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "Prometheus: still running after 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.3
  done
  rm -f "$PROMETHEUS_DIR/prometheus.pid"
  log "Prometheus: stopped"
}

prometheus_status() {
  local pid
  if pid="$(prometheus_pid)"; then
    echo "prometheus: running (pid $pid, http://$HOST:$PROMETHEUS_PORT, data $PROMETHEUS_DIR/data)"
  elif port_open "$PROMETHEUS_PORT"; then
    echo "prometheus: a server not started by this script answers on $HOST:$PROMETHEUS_PORT"
  else
    echo "prometheus: not running"
  fi
}
