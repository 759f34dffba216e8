#!/usr/bin/env bash
# Installs a Go tool at a pinned version into $(go env GOPATH)/bin unless that version is there.
# Usage: scripts/tool.sh BINARY MODULE/PATH/TO/CMD VERSION
set -euo pipefail
bin=$1 pkg=$2 version=$3
gobin="$(go env GOPATH)/bin"
if [ -x "$gobin/$bin" ] && go version -m "$gobin/$bin" 2>/dev/null | grep -q "[[:space:]]$version[[:space:]]"; then
  exit 0
fi
echo "[tool] installing $bin $version (first time only; sqlc takes a few minutes)" >&2
GOBIN="$gobin" go install "$pkg@$version"
