# shellcheck shell=bash
# Jaeger (all-in-one, v2), sourced by scripts/services.sh: built with the Go toolchain from the
# tools module beside this file (scripts/jaeger/go.mod, so the service's go.mod takes none of
# Jaeger's dependencies), cached by version in $SERVICES_DIR/jaeger/<version>/jaeger like the
# Kafka jars, and run with config.yaml: OTLP on 127.0.0.1:4317 (gRPC) and 4318 (HTTP), the query
# API and UI on 127.0.0.1:16686, traces in memory. The build takes minutes of CPU once per
# version; `up` waits for it. (The UI is a placeholder in a build from the Go module: its assets
# are not in the module. The query API, /api/traces, is complete.)

JAEGER_VERSION=1.75.0                    # keep in step with scripts/jaeger/go.mod
JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}"
JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
export JAEGER_OTLP_HTTP_PORT JAEGER_OTLP_GRPC_PORT JAEGER_QUERY_PORT
JAEGER_DIR="$SERVICES_DIR/jaeger"
JAEGER_BIN="$JAEGER_DIR/$JAEGER_VERSION/jaeger"
JAEGER_PID="$JAEGER_DIR/jaeger.pid"
JAEGER_LOG="$JAEGER_DIR/jaeger.log"

# jaeger_build: the cached binary of JAEGER_VERSION, built when missing.
jaeger_build() {
  [[ -x $JAEGER_BIN ]] && return
  command -v go >/dev/null || die "Jaeger is built with Go, which is not installed"
  mkdir -p "$(dirname "$JAEGER_BIN")"
  log "building Jaeger $JAEGER_VERSION from scripts/jaeger/go.mod (once; a few minutes of CPU)"
  (cd "$REPO_DIR/scripts/jaeger" && CGO_ENABLED=0 go build -trimpath -o "$JAEGER_BIN.tmp" github.com/jaegertracing/jaeger/cmd/jaeger) >&2 \
    || die "building Jaeger failed"
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
}

jaeger_pid() {
  local pid
  [[ -f $JAEGER_PID ]] || return 1
  pid="$(cat "$JAEGER_PID")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

jaeger_up() {
  if jaeger_pid >/dev/null; then
    log "Jaeger already running (pid $(jaeger_pid))"
    return
  fi
  if port_open "$JAEGER_OTLP_HTTP_PORT"; then
    log "something already answers on $HOST:$JAEGER_OTLP_HTTP_PORT; using it as the trace backend"
    return
  fi
  jaeger_build
  log "starting Jaeger $JAEGER_VERSION (OTLP $HOST:$JAEGER_OTLP_HTTP_PORT, query $HOST:$JAEGER_QUERY_PORT)"
  # setsid+nohup: Jaeger outlives this script and its terminal; fd 9 is the script's lock, not its.
  setsid nohup "$JAEGER_BIN" --config "$REPO_DIR/scripts/jaeger/config.yaml" >"$JAEGER_LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$JAEGER_PID"
  local i
  for ((i = 0; i < 120; i++)); do
    if port_open "$JAEGER_OTLP_HTTP_PORT" && port_open "$JAEGER_QUERY_PORT"; then
      log "Jaeger up"
      return
    fi
    jaeger_pid >/dev/null || { tail -n 30 "$JAEGER_LOG" >&2; die "Jaeger exited; log: $JAEGER_LOG"; }
    sleep 0.5
  done
  die "Jaeger did not open its ports in 60 s; log: $JAEGER_LOG"
}

jaeger_down() {
  local pid i
  pid="$(jaeger_pid)" || return 0
  log "stopping Jaeger (pid $pid)"
  kill "$pid"
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  rm -f "$JAEGER_PID"
}

jaeger_status() {
  local pid
  if pid="$(jaeger_pid)"; then
    echo "jaeger: running (pid $pid, OTLP http://$HOST:$JAEGER_OTLP_HTTP_PORT, query http://$HOST:$JAEGER_QUERY_PORT)"
  elif port_open "$JAEGER_OTLP_HTTP_PORT"; then
    echo "jaeger: something not started by this script answers on $HOST:$JAEGER_OTLP_HTTP_PORT"
  else
    echo "jaeger: not running"
  fi
}
