#!/usr/bin/env bash
# Rebuilds static/vendor from node_modules. Output is committed so the app runs
# with no Node.js and no internet.
set -euo pipefail
cd "$(dirname "$0")/.."
out=static/vendor
rm -rf "$out" && mkdir -p "$out/govuk" "$out/htmx" "$out/plotly"
npx sass --load-path=node_modules --style=compressed --no-source-map frontend/pmo.scss "$out/govuk/govuk-frontend.min.css" --quiet-deps --silence-deprecation=import
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk/"
cp -r node_modules/govuk-frontend/dist/govuk/assets "$out/govuk/assets"
rm -rf "$out/govuk/assets/fonts" "$out/govuk/assets/rebrand"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/plotly.js-dist-min/plotly.min.js "$out/plotly/"
for p in govuk-frontend htmx.org plotly.js-dist-min; do
  printf '%s %s\n' "$p" "$(node -p "require('./node_modules/$p/package.json').version")"
done > "$out/VERSIONS"
echo "built $out:"; cat "$out/VERSIONS"
