#!/usr/bin/env bash
# Refresh static/vendor/plotly/'s CSS, maps and LICENSE.txt from the npm package `plotly.js` at
# the version bundled by the installed Python package `plotly`. The script the pages load,
# plotly-custom.min.js, is built from the same version by scripts/build-plotly.
#
#   scripts/vendor_plotly_assets.sh            # version of the installed plotly package
#   scripts/vendor_plotly_assets.sh 4.1.1      # or an explicit plotly.js version
#   TOPOJSON_MAPS="world_110m world_50m" scripts/vendor_plotly_assets.sh   # more maps
#
# Writes: static/vendor/plotly/plotly.css, static/vendor/plotly/topojson/<map>.json,
#         static/vendor/plotly/LICENSE.txt
# Needs: npm and node (the npm registry must be reachable), the project's Python environment.
# After an upgrade: run scripts/build-plotly too (it prints the <meta> markers <head> needs),
# then the browser test tests/browser/test_plotly_csp.py (it fails on any CSP violation).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
DEST="$ROOT/static/vendor/plotly"
MAPS="${TOPOJSON_MAPS:-world_110m}"

VERSION="${1:-$("$PYTHON" -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')}"
BUNDLED="$("$PYTHON" -c 'import pathlib, plotly; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "plotly.js $VERSION: npm pack"
(cd "$WORK" && npm pack --silent "plotly.js@$VERSION" >/dev/null)
tar -xzf "$WORK/plotly.js-$VERSION.tgz" -C "$WORK"
PKG="$WORK/package"

# The CSS and the maps must match the script the page really loads.
if cmp -s "$PKG/dist/plotly.min.js" "$BUNDLED"; then
  echo "dist/plotly.min.js is byte-identical to the Python package's plotly.min.js"
else
  echo "WARNING: npm plotly.js@$VERSION dist/plotly.min.js differs from $BUNDLED" >&2
  echo "         (is the installed plotly package bundling another version?)" >&2
  [ -n "${1:-}" ] || exit 1
fi

mkdir -p "$DEST/topojson"
cp "$PKG/dist/plotly.css" "$DEST/plotly.css"

# dist/plotly-geo-assets.js is a browser bundle that ends with `window.Plotly = {topojson, version}`
# (the page never loads it); run it in an empty VM context and write each map out as JSON.
node - "$PKG/dist/plotly-geo-assets.js" "$DEST/topojson" $MAPS <<'NODE'
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const [source, outDir, ...names] = process.argv.slice(2);
const context = { window: {} };
vm.createContext(context);
vm.runInContext(fs.readFileSync(source, "utf8"), context, { filename: source });
const assets = context.window.Plotly;
for (const name of names) {
  const topology = assets.topojson[name];
  if (!topology) {
    console.error(`no map ${name}; available: ${Object.keys(assets.topojson).join(", ")}`);
    process.exit(1);
  }
  const file = path.join(outDir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(topology));
  console.log(`wrote ${file} (${fs.statSync(file).size} bytes, geo assets ${assets.version})`);
}
NODE

{
  cat <<EOF
Third-party files in this folder (static/vendor/plotly/)
=========================================================

plotly.css  and  plotly-custom.min.js (built by scripts/build-plotly)
--------------------------------------------------------------------------------------------
plotly.js $VERSION, https://github.com/plotly/plotly.js, npm package "plotly.js".
Licence: MIT, reproduced below. plotly-custom.min.js also holds code of other npm packages:
their licences are in plotly-custom.LICENSES.txt.

EOF
  cat "$PKG/LICENSE"
  cat <<'EOF'

topojson/*.json (map topology, extracted from dist/plotly-geo-assets.js of the same package)
--------------------------------------------------------------------------------------------
Built by the plotly.js project (its topojson/ folder) from two sources, per plotly.js's
CHANGELOG ("Switch to United Nations (coastlines, countries, land, ocean) + Natural Earth
(lakes, rivers, subunits) geodata", plotly.js PR #7393):

* coastlines, countries, land, ocean: United Nations geodata ("UN Geodata simplified",
  UN Geospatial, https://geoportal.un.org). The boundaries and names shown and the
  designations used on maps drawn from these data do not imply official endorsement or
  acceptance by the United Nations.
* lakes, rivers, subunits: Natural Earth (https://www.naturalearthdata.com), public domain.
  Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.

The packaging of these files is part of plotly.js and distributed under its MIT licence above.
EOF
} >"$DEST/LICENSE.txt"

echo
echo "Done. Now scripts/build-plotly for the script itself (it prints the <meta> markers <head> needs)."
