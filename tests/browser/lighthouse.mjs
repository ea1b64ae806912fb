// Lighthouse (npm, pinned in package.json) in Debian's Chromium, as a phone sees it (its mobile
// defaults: a 412 px screen, a slow 4G network and a 4× slower processor, simulated).
//
// As a module: `audit(url)` gives the scores and the layout shift of one load.
// As a command, the figures for BENCHMARKS.md (the median of RUNS loads of each page):
//   node tests/browser/lighthouse.mjs http://127.0.0.1:8080 STAFF_KEY [RUNS]
// against a running `rantevou serve` (its key is in what it printed).

import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";

const cli = createRequire(import.meta.url).resolve("lighthouse/cli/index.js");

/** One Lighthouse load of `url`: each category's score (0–100), CLS and the timings (ms). */
export async function audit(url) {
  const { stdout } = await promisify(execFile)(process.execPath, [
    cli, url, "--quiet", "--output=json", "--output-path=stdout", "--form-factor=mobile",
    "--only-categories=performance,accessibility,best-practices,seo",
    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
  ], { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM || "/usr/bin/chromium" }, maxBuffer: 256 << 20 });
  const report = JSON.parse(stdout);
  if (report.runtimeError) throw new Error(`lighthouse: ${report.runtimeError.message}`);
  const scores = Object.fromEntries(Object.entries(report.categories).map(([k, v]) => [k, Math.round(v.score * 100)]));
  const a = report.audits;
  const failing = (category) => report.categories[category].auditRefs
    .map((r) => a[r.id]).filter((x) => x.score !== null && x.score < 1 && x.scoreDisplayMode !== "informative")
    .map((x) => x.id);
  return {
    scores,
    cls: a["cumulative-layout-shift"].numericValue,
    shifted: (a["layout-shifts"]?.details?.items || []).map((i) => `${i.node?.selector} ${i.score.toFixed(3)}`),
    fcp: a["first-contentful-paint"].numericValue,
    lcp: a["largest-contentful-paint"].numericValue,
    tbt: a["total-blocking-time"].numericValue,
    failing: { accessibility: failing("accessibility"), "best-practices": failing("best-practices"), seo: failing("seo") },
  };
}

const median = (xs) => xs.slice().sort((x, y) => x - y)[Math.floor(xs.length / 2)];

if (import.meta.url === `file://${process.argv[1]}`) {
  const [base, key, runs = "5"] = process.argv.slice(2);
  if (!base || !key) {
    console.error("usage: node tests/browser/lighthouse.mjs BASE_URL STAFF_KEY [RUNS]");
    process.exit(2);
  }
  for (const [name, url] of [["booking page", `${base}/`], ["staff console", `${base}/staff/#key=${key}`]]) {
    const all = [];
    for (let i = 0; i < Number(runs); i += 1) all.push(await audit(url));
    const m = (f) => median(all.map(f));
    console.log(`${name}: performance ${all.map((r) => r.scores.performance).join(" ")} (median ${m((r) => r.scores.performance)}), `
      + `accessibility ${m((r) => r.scores.accessibility)}, best practices ${m((r) => r.scores["best-practices"])}, SEO ${m((r) => r.scores.seo)}; `
      + `CLS ${m((r) => r.cls).toFixed(3)}, FCP ${Math.round(m((r) => r.fcp))} ms, LCP ${Math.round(m((r) => r.lcp))} ms, TBT ${Math.round(m((r) => r.tbt))} ms`);
  }
}
