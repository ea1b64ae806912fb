// The bot check's work in the browser (BENCHMARKS.md): Chromium solves fresh challenges from a
// running `rantevou serve` (BASE_URL) with the site's own worker; prints the median time and
// the hashes per second. `node pow-bench.mjs [rounds] [cpu slowdown]` (cli/tests/it/browser.rs
// does not run it).

import { BASE, launch, open } from "./lib.mjs";

const rounds = Number(process.argv[2] || 20);
// `node pow-bench.mjs 20 4`: Chrome's CPU throttling (Lighthouse's "mid-tier mobile" is 4×).
const throttle = Number(process.argv[3] || 1);
const browser = await launch();
const page = await open(browser);
if (throttle > 1) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
}
await page.goto(`${BASE}/`);
const results = await page.evaluate(async (rounds) => {
  const out = [];
  for (let i = 0; i < rounds; i += 1) {
    const challenge = await (await fetch("/api/challenge")).json();
    const worker = new Worker("/js/pow-worker.js");
    const answer = await new Promise((resolve) => {
      worker.onmessage = ({ data }) => data.progress === undefined && resolve(data);
      worker.postMessage(challenge);
    });
    worker.terminate();
    out.push({ ms: answer.ms, number: answer.number, max: challenge.maxnumber });
  }
  return out;
}, rounds);
await browser.close();
const ms = results.map((r) => r.ms).sort((a, b) => a - b);
const rate = results.reduce((s, r) => s + r.number + 1, 0) / (results.reduce((s, r) => s + r.ms, 0) / 1000);
const median = ms[Math.floor(ms.length / 2)];
console.log(`CPU ×${throttle}, difficulty ${results[0].max}: ${rounds} challenges, median ${median.toFixed(0)} ms, max ${ms.at(-1).toFixed(0)} ms, ${Math.round(rate)} hashes/s, worst case (every number) ≈ ${((results[0].max / rate) * 1000).toFixed(0)} ms`);
