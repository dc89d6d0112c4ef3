#!/usr/bin/env bash
# Install htmx from the npm registry and copy it where the templates load it from.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund
mkdir -p src/billbridge/web/static/vendor
cp node_modules/htmx.org/dist/htmx.min.js src/billbridge/web/static/vendor/htmx.min.js
echo "htmx $(node -p "require('./node_modules/htmx.org/package.json').version") copied"
