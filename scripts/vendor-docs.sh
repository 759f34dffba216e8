#!/usr/bin/env bash
# Vendors the Swagger UI that /docs serves: fetches the pinned swagger-ui-dist from the npm
# registry into a scratch folder and copies the few files the page needs, with a sha256
# manifest that a Go test (ports/http/apidocs) checks against the embedded files without
# network; the large files are also committed gzip-compressed, as served. With --check it changes nothing and fails when the committed files differ from the
# pinned package. Needs npm; `make run` and `make test` do not.
set -euo pipefail

SWAGGER_UI_VERSION=5.35.0
FILES=(swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css favicon-32x32.png LICENSE NOTICE)

root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/ports/http/apidocs/assets/swagger-ui
manifest=$root/ports/http/apidocs/swagger-ui.sha256

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null && tar xzf swagger-ui-dist-*.tgz)
got=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$scratch/package/package.json")
[ "$got" = "$SWAGGER_UI_VERSION" ] || { echo "npm gave swagger-ui-dist $got, want $SWAGGER_UI_VERSION" >&2; exit 1; }

{
	echo "# swagger-ui-dist $SWAGGER_UI_VERSION (scripts/vendor-docs.sh)"
	(cd "$scratch/package" && sha256sum "${FILES[@]}")
} >"$scratch/manifest"

if [ "${1:-}" = "--check" ]; then
	status=0
	diff -u "$manifest" "$scratch/manifest" || status=1
	for f in "${FILES[@]}"; do
		cmp -s "$scratch/package/$f" "$dest/$f" || { echo "$dest/$f differs from swagger-ui-dist $SWAGGER_UI_VERSION" >&2; status=1; }
	done
	[ $status -eq 0 ] && echo "Swagger UI matches swagger-ui-dist $SWAGGER_UI_VERSION"
	exit $status
fi

rm -rf "$dest" && mkdir -p "$dest"
for f in "${FILES[@]}"; do cp "$scratch/package/$f" "$dest/$f"; done
# The large files also compressed, once here rather than at every start of the server (about a
# fifth of a second of CPU); the Go test checks that each decompresses to its original.
for f in swagger-ui-bundle.js swagger-ui.css; do gzip -9 -n -k "$dest/$f"; done
cp "$scratch/manifest" "$manifest"
echo "vendored swagger-ui-dist $SWAGGER_UI_VERSION into ${dest#"$root"/}"
