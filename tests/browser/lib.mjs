// Shared by the browser tests: Debian's Chromium through playwright-core, axe-core audits,
// and the steps of a booking. `cli/tests/browser.rs` starts `rantevou serve` with a fresh data
// folder and runs each *.test.mjs with BASE_URL pointing at it.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const BASE = process.env.BASE_URL || "http://127.0.0.1:8080";
/** The outbox, with the key `rantevou serve` printed (it sets a cookie for the pages it links). */
export const OUTBOX = process.env.OUTBOX_URL || `${BASE}/outbox`;

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Chromium as this machine can run it: no sandbox (root), no network beyond loopback. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A page in a fresh context; any console error or uncaught exception fails the test at
 * `page.assertClean()`.
 */
export async function open(browser, options = {}) {
  const context = await browser.newContext({ locale: "el-GR", timezoneId: "Europe/Athens", ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  // `expected`: patterns of errors the test provoked on purpose (a 409 the browser reports).
  page.assertClean = (expected = []) =>
    assert.deepEqual(problems.filter((p) => !expected.some((re) => re.test(p))), [], "the page logged no errors");
  return page;
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now; fails on any violation. */
export async function audit(page, where) {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') still holds.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const violations = result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
  assert.deepEqual(violations, [], `axe found no WCAG 2.1 AA violations on ${where}`);
  assert.ok(result.passes.length > 10, `axe ran its checks on ${where}`);
}

/** The page cannot be scrolled sideways (content reflows to the viewport width). */
export async function assertReflows(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= width, `${where}: no horizontal scrolling at ${width} px (content is ${scroll} px wide)`);
}

export async function headingText(page) {
  return (await page.locator("#step-heading").innerText()).replace(/\s+/g, " ").trim();
}

/** The focused element's id (or tag). */
export function focused(page) {
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
}

/** Step 2: the first free day of the calendar and its first time; returns the slot's start. */
export async function chooseFirstSlot(page) {
  await page.locator("button.day.free").first().click();
  const slot = page.locator("button.slot").first();
  await slot.click();
  assert.equal(await slot.getAttribute("aria-checked"), "true");
  return slot.getAttribute("data-start");
}

export const PATRON = {
  name: "Κατερίνα Παπαδοπούλου",
  email: "katerina@example.org",
  phone: "+30 690 000 0000",
  notes: "Αναζήτηση ηλεκτρονικών άρθρων για τη διαπολιτισμική εκπαίδευση",
};

/** The answers to the sample's questions (infra/library.toml): an undergraduate of
 * Information Sciences. */
export const ANSWERS = { status: "ug", school: "information-sciences" };

/** Step 3: answers the sample's questions as ANSWERS says. */
export async function answerQuestions(page) {
  for (const [id, value] of Object.entries(ANSWERS)) {
    await page.locator(`input[name="q-${id}"][value="${value}"]`).check();
  }
}

/** Step 3: fills the form, answers the questions and accepts Terms and Privacy. */
export async function fillDetails(page, patron = PATRON) {
  await page.locator("#f-name").fill(patron.name);
  await page.locator("#f-email").fill(patron.email);
  await page.locator("#f-phone").fill(patron.phone);
  await page.locator("#f-notes").fill(patron.notes);
  await answerQuestions(page);
  await page.locator("#f-terms").check();
  await page.locator("#f-privacy").check();
}

/** The outbox rows addressed to `to`, newest first: [{subject, href}]. */
export async function mailsTo(page, to) {
  await page.goto(OUTBOX);
  const rows = await page.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      to: tr.children[1].textContent.trim(),
      subject: tr.children[2].textContent.trim(),
      href: tr.querySelector("a").getAttribute("href"),
    })),
  );
  return rows.filter((r) => r.to === to);
}

/** The free slot starts of `date` as the API lists them. */
export async function freeStarts(date) {
  const r = await fetch(`${BASE}/api/availability?service=mylibrarylive&from=${date}&to=${date}`);
  const body = await r.json();
  return body.days.flatMap((d) => d.slots.map((s) => s.start));
}

/** Waits for step `n` of 4 (Greek or English heading) and checks the focus moved to its heading. */
export async function expectStep(page, n) {
  await page.locator("#step-heading .step-of").filter({ hasText: new RegExp(`(Βήμα|Step) ${n} `) }).waitFor();
  assert.equal(await focused(page), "step-heading", `the focus is on step ${n}'s heading`);
}

/** The step's Next button (Greek or English). */
export const nextButton = (page) => page.getByRole("button", { name: /^(Επόμενο|Next)$/ });

/** The staff console signed in with the key `rantevou serve` printed (the outbox's key). */
export const STAFF_KEY = new URL(OUTBOX).searchParams.get("key") || "";
export const STAFF = `${BASE}/staff/#key=${STAFF_KEY}`;

/** Books `start` through the API as a patron's browser would (the bot check solved here). */
export async function bookViaApi(start, patron) {
  const { createHash } = await import("node:crypto");
  const challenge = await (await fetch(`${BASE}/api/challenge`)).json();
  let number = 0;
  while (createHash("sha256").update(challenge.salt + number).digest("hex") !== challenge.challenge) number += 1;
  const { maxnumber: _, ...fields } = challenge;
  const solution = Buffer.from(JSON.stringify({ ...fields, number })).toString("base64");
  const r = await fetch(`${BASE}/api/appointments`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({
      service: "mylibrarylive", provider: "any", start,
      customer: { name: patron.name, email: patron.email, phone: patron.phone },
      notes: patron.notes, answers: ANSWERS, language: "el", accept_terms: true, accept_privacy: true, challenge: solution,
    }),
  });
  const body = await r.json();
  assert.equal(r.status, 201, JSON.stringify(body));
  return body;
}

/** The first day from tomorrow with at least `n` free times, and those times. */
export async function dayWithFreeTimes(n) {
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const r = await fetch(`${BASE}/api/availability?service=mylibrarylive&from=${from}&to=${to}`);
  const day = (await r.json()).days.find((d) => d.slots.length >= n);
  assert.ok(day, `a day with ${n} free times`);
  return { date: day.date, starts: day.slots.map((s) => s.start) };
}
