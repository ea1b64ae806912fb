// The statistics view of the staff console, over a data folder seeded with a year of counted
// consultations (cli/tests/it/browser.rs writes them, and says how many of each in SEEDED):
// every chart draws what its table says, the figures add up to what was seeded, small
// answers are merged, axe finds nothing, in Greek and English; the CSV downloads; a year's
// page prints without the console around it. Without a sign-in the API answers 401.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, STAFF, STAFF_KEY, audit, launch, open } from "./lib.mjs";

const SEEDED = JSON.parse(process.env.SEEDED || "{}");

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Every chart on the page: its bars' [label, value] and its table's rows. */
async function charts(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("figure.stats-figure")].map((f) => ({
      id: f.id,
      bars: [...f.querySelectorAll("svg g[data-value]")].map((g) => [g.dataset.label, Number(g.dataset.value), Number(g.querySelector("rect").getAttribute("width"))]),
      rows: [...f.querySelectorAll("table tbody tr")].map((tr) => [tr.querySelector("th").textContent, tr.querySelector("td").textContent]),
      named: f.querySelector("svg").getAttribute("role") === "img" && Boolean(document.getElementById(f.querySelector("svg").getAttribute("aria-labelledby"))?.textContent),
    })),
  );
}

function checkCharts(list, lang) {
  const digits = (s) => Number(s.replace(/[^0-9]/g, ""));
  assert.ok(list.length >= 6, `charts: ${list.map((c) => c.id)}`);
  for (const c of list) {
    assert.ok(c.named, `${c.id} is an image with a name`);
    assert.equal(c.bars.length, c.rows.length, `${c.id}: a bar per row`);
    const max = Math.max(...c.bars.map(([, v]) => v));
    c.bars.forEach(([label, value, width], i) => {
      assert.equal(label, c.rows[i][0], `${c.id}: the same label (${lang})`);
      assert.equal(value, digits(c.rows[i][1]), `${c.id}: the same count for ${label}`);
      assert.equal(width, Math.round((value / max) * 300), `${c.id}: ${label}'s bar to scale`);
    });
  }
}

test("the statistics: charts match their tables, the seeded year adds up, in both languages", async () => {
  const r = await fetch(`${BASE}/api/staff/statistics?from=2026-01&to=2026-11`);
  assert.equal(r.status, 401, "staff only");
  const bad = await fetch(`${BASE}/api/staff/statistics?from=2026-13`, { headers: { Authorization: `Bearer ${STAFF_KEY}` } });
  assert.equal(bad.status, 422);
  assert.equal((await bad.json()).errors[0].field, "from");

  const page = await open(browser);
  await page.goto(STAFF);
  await page.getByRole("link", { name: "Στατιστικά" }).click();
  await page.getByRole("heading", { level: 1, name: "Στατιστικά" }).waitFor();
  await page.locator("#stats-from").fill("2026-01");
  await page.locator("#stats-to").fill("2026-11");
  await page.getByRole("button", { name: "Εμφάνιση" }).click();
  await page.locator("#stats-results figure").first().waitFor();
  assert.equal(await page.locator("#stats-total").innerText(), String(SEEDED.total));
  const el = await charts(page);
  checkCharts(el, "el");
  const outcomes = el.find((c) => c.id === "stats-outcomes").rows;
  assert.deepEqual(outcomes.find(([l]) => l === "Προσήλθε")[1], String(SEEDED.attended));
  assert.deepEqual(outcomes.find(([l]) => l === "Δεν προσήλθε")[1], String(SEEDED.no_show));
  const status = el.find((c) => c.id === "stats-q-status").rows.map(([l]) => l);
  assert.ok(status.includes("Προπτυχιακός/ή φοιτητής/τρια") && status.includes("Άλλο"), `merged: ${status}`);
  assert.ok(!status.includes("Υποψήφιος/α διδάκτορας"), "one PhD candidate a month is never shown alone");
  await audit(page, "the statistics (Greek)");
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/statistics-el.png`, fullPage: true });

  // The CSV.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Λήψη CSV" }).click()]);
  assert.match(download.suggestedFilename(), /^statistics-2026-01-2026-11\.csv$/);

  // In English, the same figures in English words.
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { level: 1, name: "Statistics" }).waitFor();
  await page.locator("#stats-from").fill("2026-01");
  await page.locator("#stats-to").fill("2026-11");
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await page.locator("#stats-results figure").first().waitFor();
  const en = await charts(page);
  checkCharts(en, "en");
  assert.ok(en.find((c) => c.id === "stats-outcomes").rows.some(([l]) => l === "Attended"));
  await audit(page, "the statistics (English)");

  // A year's page, to print: the console's bars and buttons are not printed.
  await page.getByRole("link", { name: "2026" }).click();
  await page.getByRole("heading", { level: 1, name: "Figures for 2026" }).waitFor();
  await page.locator("#annual-total").waitFor();
  assert.equal(await page.locator("#annual-total").innerText(), String(SEEDED.total));
  checkCharts(await charts(page), "en, the year");
  await audit(page, "a year's page");
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/statistics-year.png`, fullPage: true });
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("#staff-nav").isVisible(), false, "no navigation on paper");
  assert.equal(await page.getByRole("button", { name: "Print" }).isVisible(), false);
  assert.equal(await page.locator("figure.stats-figure").first().isVisible(), true);
  page.assertClean();
});
