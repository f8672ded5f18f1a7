#!/usr/bin/env bash
# Rebuilds every file in static/vendor/ from the npm registry (the versions pinned in
# src/package.json and src/package-lock.json). Needs Node.js and npm; `make run` does not:
# the built files are committed.
set -euo pipefail
cd "$(dirname "$0")"
(cd src && npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent)
version() { node -p "require('./src/node_modules/$1/package.json').version"; }

rm -f codemirror-*.min.js chart-*.umd.min.js axe-core-*.min.js
cm=$(version @codemirror/view)
src/node_modules/.bin/esbuild src/codemirror.entry.js --bundle --minify --format=iife \
  --global-name=CM --target=es2020 --legal-comments=none --outfile="codemirror-$cm.min.js"
cp src/node_modules/@codemirror/view/LICENSE codemirror.LICENSE
cp "src/node_modules/chart.js/dist/chart.umd.min.js" "chart-$(version chart.js).umd.min.js"
cp src/node_modules/chart.js/dist/chart.umd.min.js.map .
cp src/node_modules/chart.js/LICENSE.md chartjs.LICENSE.md
# axe-core is for the accessibility tests only (tests/web/test_accessibility.py injects it).
cp src/node_modules/axe-core/axe.min.js "axe-core-$(version axe-core).min.js"
cp src/node_modules/axe-core/LICENSE axe-core.LICENSE
ls -l ./*.js
