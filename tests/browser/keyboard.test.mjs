// Booking with the keyboard alone: Tab, arrow keys, Page Up/Down, Enter and Space; the focus
// moves to each step's heading and is always visible.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PATRON, expectStep, launch, open } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Presses Tab until the focused element matches `selector` (at most 60 presses). */
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

const activeDate = (page) => page.evaluate(() => document.activeElement?.dataset.date);

/** Waits until the focus is on the day `date` (moving into another month redraws the grid). */
async function expectFocusOn(page, date, message) {
  await page
    .waitForFunction((d) => document.activeElement?.dataset.date === d, date, { timeout: 5000 })
    .catch(async () => assert.equal(await activeDate(page), date, message));
}
/** The same day `n` months later, or that month's last day if it is shorter. */
function sameDayMonthsLater(iso, n) {
  const [y, m, d] = iso.split("-").map(Number);
  const last = new Date(Date.UTC(y, m + n, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))).toISOString().slice(0, 10);
}
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

test("a patron books with the keyboard alone", async () => {
  const page = await open(browser);
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();

  await tabTo(page, "button.primary");
  await page.keyboard.press("Enter");
  await expectStep(page, 2);
  await page.locator("button.day.free").first().waitFor();

  // One Tab stop in the calendar: the first free day.
  await tabTo(page, "button.day");
  const first = await activeDate(page);
  assert.equal(first, await page.locator("button.day.free").first().getAttribute("data-date"));
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "the focused day shows a visible focus outline");
  assert.equal(await page.locator('button.day[tabindex="0"]').count(), 1, "one tab stop in the grid");

  // Arrow keys move by day and week; Page Down/Up by month, and back.
  await page.keyboard.press("ArrowRight");
  await expectFocusOn(page, addDays(first, 1), "ArrowRight: the next day");
  await page.keyboard.press("ArrowDown");
  await expectFocusOn(page, addDays(first, 8), "ArrowDown: a week later");
  await page.keyboard.press("ArrowUp");
  await expectFocusOn(page, addDays(first, 1), "ArrowUp: a week earlier");
  await page.keyboard.press("ArrowLeft");
  await expectFocusOn(page, first, "ArrowLeft: the day before");
  const month = await page.locator("#month-name").innerText();
  await page.keyboard.press("PageDown");
  const later = sameDayMonthsLater(first, 1);
  await expectFocusOn(page, later, "Page Down keeps the day of the month");
  assert.notEqual(await page.locator("#month-name").innerText(), month);
  await page.keyboard.press("PageUp");
  await expectFocusOn(page, sameDayMonthsLater(later, -1), "Page Up: the same day a month earlier");
  assert.equal(await page.locator("#month-name").innerText(), month);

  // Enter chooses the day; its times follow; Enter chooses a time.
  await page.keyboard.press("Enter");
  assert.equal(await page.locator(`button.day[data-date="${first}"]`).getAttribute("aria-pressed"), "true");
  // The times are one radio group: one Tab stop, the arrows move and choose.
  await tabTo(page, "button.slot");
  const times = await page.locator("button.slot").count();
  assert.equal(await page.locator('button.slot[tabindex="0"]').count(), 1, "one Tab stop for all the times");
  assert.equal(await page.locator('ul.slots[role="radiogroup"]').count(), 1);
  const firstTime = await page.evaluate(() => document.activeElement.dataset.start);
  await page.keyboard.press("Enter");
  assert.equal(await page.locator(`button.slot[data-start="${firstTime}"]`).getAttribute("aria-checked"), "true");
  let start = firstTime;
  if (times > 1) {
    await page.keyboard.press("ArrowDown");
    start = await page.evaluate(() => document.activeElement.dataset.start);
    assert.notEqual(start, firstTime, "ArrowDown: the next time");
    assert.equal(await page.locator(`button.slot[data-start="${start}"]`).getAttribute("aria-checked"), "true", "and chosen");
    assert.equal(await page.locator(`button.slot[data-start="${firstTime}"]`).getAttribute("aria-checked"), "false");
    await page.keyboard.press("ArrowUp");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.start), firstTime, "ArrowUp: back");
    await page.keyboard.press("End");
    start = await page.evaluate(() => document.activeElement.dataset.start);
  }
  // From the chosen time to "Next": at most 3 Tab presses (it was 16–19, a stop per time).
  let presses = 0;
  while (!(await page.evaluate(() => document.activeElement?.matches("button.primary"))) && presses < 30) {
    await page.keyboard.press("Tab");
    presses += 1;
  }
  assert.ok(presses <= 3, `${presses} Tab presses from the chosen time to Next`);
  assert.equal(await page.locator(`button.slot[data-start="${start}"]`).getAttribute("aria-checked"), "true");
  await page.keyboard.press("Enter");
  await expectStep(page, 3);

  // The form: typed field by field; Space ticks the boxes; Enter submits.
  for (const [id, value] of [["#f-name", PATRON.name], ["#f-email", PATRON.email], ["#f-phone", PATRON.phone], ["#f-notes", PATRON.notes]]) {
    await tabTo(page, id);
    await page.keyboard.type(value);
  }
  // The questions: Space picks a choice, the arrows move to another in the group.
  await tabTo(page, "#q-status-0");
  await page.keyboard.press("Space");
  await tabTo(page, "#q-school-0");
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator("#q-school-1").isChecked(), true, "the arrow moved the choice");
  await tabTo(page, "#q-tried");
  await page.keyboard.type("Google Scholar");
  await tabTo(page, "#f-terms");
  await page.keyboard.press("Space");
  await tabTo(page, "#f-privacy");
  await page.keyboard.press("Space");
  await tabTo(page, "button.primary");
  await page.keyboard.press("Enter");
  await expectStep(page, 4);

  await tabTo(page, "#confirm");
  await page.keyboard.press("Enter");
  await page.locator("h1", { hasText: /Το ραντεβού σας κλείστηκε/ }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "step-heading");
  assert.match(await page.locator("main").innerText(), new RegExp(PATRON.email.replace(".", "\\.")));
  page.assertClean();
});

test("the skip link and the language switch are reachable first", async () => {
  const page = await open(browser);
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "skip-link");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "lang-switch");
  await page.keyboard.press("Enter");
  await page.locator("html[lang=en]").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "lang-switch", "the focus stays on the switch");
});
