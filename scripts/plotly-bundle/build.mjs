// Builds static/vendor/plotly/plotly-custom.min.js: plotly.js's core (which always holds the
// scatter trace) plus only the trace types given, with esbuild, the way plotly.js builds its
// own dist/ bundles (an IIFE assigning the global `Plotly`, ES2016, `global` as `window`).
// Run by scripts/build-plotly inside a folder where `npm ci` installed package.json's pins:
//
//   node build.mjs --traces bar,scatter,scattergeo --out <static/vendor/plotly>
//
// Writes there: plotly-custom.min.js, plotly-custom.json (version, traces, sha256: what
// tests/test_plotly_bundle.py compares figures with), plotly-custom.LICENSES.txt (plotly.js's
// licence and that of every npm package with code in the bundle).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";

const { values } = parseArgs({
  options: { traces: { type: "string" }, out: { type: "string" } },
});
const traces = [...new Set(values.traces.split(",").map((t) => t.trim()).filter(Boolean))].sort();
const out = path.resolve(values.out);
const here = path.dirname(new URL(import.meta.url).pathname);
const plotlyDir = path.join(here, "node_modules", "plotly.js");
const plotly = JSON.parse(fs.readFileSync(path.join(plotlyDir, "package.json"), "utf8"));
const esbuildVersion = JSON.parse(
  fs.readFileSync(path.join(here, "node_modules", "esbuild", "package.json"), "utf8"),
).version;

// Each trace module as plotly.js's own custom bundle registers it with --strict: the "strict"
// variant where one exists (the WebGL traces: no code generated at run time), else lib/<trace>.
// scatter is in the core already and cannot be left out.
const modules = [];
for (const trace of traces) {
  if (!fs.existsSync(path.join(plotlyDir, "src", "traces", trace))) {
    console.error(`plotly.js ${plotly.version} has no trace type "${trace}"`);
    process.exit(1);
  }
  if (trace === "scatter") continue;
  const strict = path.join(plotlyDir, "src", "traces", trace, "strict.js");
  modules.push(
    fs.existsSync(strict) ? `plotly.js/src/traces/${trace}/strict` : `plotly.js/lib/${trace}`,
  );
}
const entry = [
  '"use strict";',
  'var Plotly = require("plotly.js/lib/core");',
  `Plotly.register([${modules.map((m) => `require(${JSON.stringify(m)})`).join(", ")}]);`,
  "module.exports = Plotly;",
  "",
].join("\n");
fs.writeFileSync(path.join(here, "entry.js"), entry);

const file = "plotly-custom.min.js";
const result = await esbuild.build({
  entryPoints: [path.join(here, "entry.js")],
  outfile: path.join(out, file),
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "Plotly",
  target: "es2016",
  define: { global: "window", "define.amd": "false" },
  // The map library's CSS (required by plotly.js's registry for the "map" traces only) would
  // come out as a second file: none of the traces here draws with it.
  loader: { ".css": "empty" },
  legalComments: "inline",
  banner: {
    js:
      `/** plotly.js v${plotly.version}, custom bundle: ${traces.join(", ")}. ` +
      "MIT licence, Copyright (c) 2012-2026 Plotly, Inc. Built by scripts/build-plotly; " +
      "the bundled packages' licences: plotly-custom.LICENSES.txt */",
  },
  metafile: true,
  logLevel: "warning",
});

// Every npm package with code in the bundle (bytes in the output: not the map library, whose
// CSS alone is referenced, and emptied), for the licences file.
const packages = new Map();
const [output] = Object.values(result.metafile.outputs);
for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
  const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (!match || !bytesInOutput || input.endsWith(".css")) continue;
  const dir = path.resolve(here, match[1]);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const key = `${meta.name}@${meta.version}`; // a package nested twice is listed once
  if (packages.has(key)) continue;
  const licenceFile = fs
    .readdirSync(dir)
    .find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name));
  const author = typeof meta.author === "string" ? meta.author : meta.author?.name;
  packages.set(key, {
    name: meta.name,
    author: author || "",
    version: meta.version,
    license: typeof meta.license === "string" ? meta.license : JSON.stringify(meta.license),
    text: licenceFile ? fs.readFileSync(path.join(dir, licenceFile), "utf8").trim() : "",
  });
}
const listed = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name));
const licences = [
  "Licences of plotly-custom.min.js (static/vendor/plotly/)",
  "=========================================================",
  "",
  `plotly.js ${plotly.version} (https://github.com/plotly/plotly.js), built with only the trace`,
  `types ${traces.join(", ")} by scripts/build-plotly. The bundle holds code of these npm`,
  "packages; each one's licence follows (from its package).",
  "",
  ...listed.map((p) => `- ${p.name} ${p.version}: ${p.license}`),
  "",
  ...listed.flatMap((p) => [
    "-".repeat(79),
    `${p.name} ${p.version} (${p.license})`,
    "-".repeat(79),
    p.text ||
      `(no licence file in the package; its package.json says: licence ${p.license}` +
        `${p.author ? `, author ${p.author}` : ""})`,
    "",
  ]),
].join("\n");
fs.writeFileSync(path.join(out, "plotly-custom.LICENSES.txt"), licences);

const bundle = fs.readFileSync(path.join(out, file));
const manifest = {
  file,
  "plotly.js": plotly.version,
  traces,
  sha256: createHash("sha256").update(bundle).digest("hex"),
  bytes: bundle.length,
  built_by: "scripts/build-plotly",
  esbuild: esbuildVersion,
};
fs.writeFileSync(path.join(out, "plotly-custom.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `${file}: plotly.js ${plotly.version}, traces ${traces.join(", ")}, ${bundle.length} bytes, ` +
    `${listed.length} packages`,
);
