/**
 * Prints the gzipped size of the JavaScript each built web app loads up front: the module scripts
 * and modulepreloads named in its index.html (chunks loaded later by dynamic import are listed apart).
 */
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const dist = path.resolve("dist/web");
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

for (const app of fs.existsSync(dist) ? fs.readdirSync(dist).sort() : []) {
  const index = path.join(dist, app, "index.html");
  if (!fs.existsSync(index)) continue;
  const html = fs.readFileSync(index, "utf8");
  const initial = new Set([...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]!));
  let total = 0;
  for (const src of initial) {
    const file = path.join(dist, app, src.replace(/^\/(officer\/)?/, ""));
    total += fs.existsSync(file) ? gzipSync(fs.readFileSync(file)).length : 0;
  }
  const assets = path.join(dist, app, "assets");
  const lazy = fs.existsSync(assets)
    ? fs.readdirSync(assets).filter((f) => /\.m?js$/.test(f) && ![...initial].some((s) => s.endsWith(`/${f}`)))
    : [];
  const lazyTotal = lazy.reduce((sum, f) => sum + gzipSync(fs.readFileSync(path.join(assets, f))).length, 0);
  console.log(`${app}: initial JS ${kb(total)} gzipped (${initial.size} file(s)); loaded later: ${kb(lazyTotal)} gzipped (${lazy.length} file(s))`);
}
