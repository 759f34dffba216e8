#!/usr/bin/env bash
# Loads /docs and /docs/events of the embedded binary in headless Chromium (Debian's chromium
# package) and fails unless they work under their Content-Security-Policy: Swagger UI renders,
# Authorize takes a pasted token and "Try it out" on GET /v1/todos answers 200, the events page
# lists the channels, and no page reports a CSP violation (an inline script injected as a
# control is blocked). Needs chromium and node 20 or later; not part of `make test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

(cd "$root" && go build -o "$work/taskstream" ./cmd/taskstream)
port=$(free_port)
env -u DATABASE_URL -u KAFKA_BROKERS -u AUTH_JWT_SECRET HTTP_ADDR="127.0.0.1:$port" "$work/taskstream" all >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# The embedded default logs a token for user demo-user when AUTH_JWT_SECRET is unset.
token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$work/server.log" | head -1)
[ -n "$token" ] || { echo "the server logged no token" >&2; cat "$work/server.log" >&2; exit 1; }

cdp=$(free_port)
chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --remote-debugging-port="$cdp" about:blank >"$work/chromium.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$cdp/json/version" >/dev/null && break; sleep 0.1; done
node --experimental-websocket "$root/scripts/docs-browser-check.mjs" "http://127.0.0.1:$port" "$token" "$cdp"
