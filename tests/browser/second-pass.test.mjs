// What patrons tripped on (issue 17), each checked in Chromium: a patron in Los Angeles or
// Auckland sees their own date when it differs and the zone on every step; on a 360 px phone
// the day's times come into view after a tap; a reload keeps the step, the choice and what
// was typed (never the consents); the focus ring contrasts with the page; the weekday headers
// are read; step 2 says the policy; axe finds nothing, in both languages, at both sizes.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, audit, expectStep, fillDetails, launch, nextButton, open, PATRON, focused } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const ownDate = (instant, timeZone) =>
  new Intl.DateTimeFormat("el-GR", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(new Date(instant));
const athensDate = (instant) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Athens" }).format(new Date(instant));
const dateIn = (instant, timeZone) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(instant));

async function toStep2(page) {
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  await nextButton(page).click();
  await expectStep(page, 2);
  await page.locator("button.day.free").first().waitFor();
}

// A free day after today: today's first free time depends on the hour the test runs (the
// notice period hides the morning), and these checks are about 09:00 and 14:40 in Athens.
async function laterDay(page) {
  const later = page.locator('button.day.free:not([aria-current="date"])');
  if ((await later.count()) === 0) {
    const month = await page.locator("#month-name").innerText();
    await page.locator("#month-name + button").click();
    await page.waitForFunction((m) => document.getElementById("month-name")?.innerText !== m, month);
    await page.locator("button.day.free").first().waitFor();
  }
  return later.first();
}

test("Los Angeles: the patron's own date beside each time, the zone on every later step", async () => {
  const page = await open(browser, { timezoneId: "America/Los_Angeles" });
  await toStep2(page);
  assert.match(await page.locator("#policy").innerText(), /έως 2 ώρες πριν από την έναρξή του και το ακυρώνετε έως 1 ώρα πριν/);
  await (await laterDay(page)).click();
  const slot = page.locator("button.slot").first();
  const start = await slot.getAttribute("data-start");
  // 09:00 in Athens is the evening before in Los Angeles: the button says which day.
  assert.notEqual(dateIn(start, "America/Los_Angeles"), athensDate(start));
  assert.ok((await slot.innerText()).includes(ownDate(start, "America/Los_Angeles")), await slot.innerText());
  assert.ok((await slot.getAttribute("aria-label")).includes(ownDate(start, "America/Los_Angeles")));
  await slot.click();
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page);
  await nextButton(page).click();
  await expectStep(page, 4);
  const summary = await page.locator("main").innerText();
  assert.match(summary, /\(ώρα Ελλάδας\)/);
  assert.ok(summary.includes(ownDate(start, "America/Los_Angeles")), summary);
  assert.match(summary, /στη δική σας ώρα/);
  await page.getByRole("button", { name: /^Επιβεβαίωση$/ }).click();
  await page.locator("#manage").waitFor({ timeout: 60_000 });
  const done = await page.locator("main").innerText();
  assert.match(done, /\(ώρα Ελλάδας\)/);
  assert.ok(done.includes(ownDate(start, "America/Los_Angeles")), done);
  page.assertClean();
});

test("Auckland: a late time shows the next day; an early one the time alone", async () => {
  const page = await open(browser, { timezoneId: "Pacific/Auckland" });
  await toStep2(page);
  await (await laterDay(page)).click();
  const slots = page.locator("button.slot");
  const first = await slots.first().getAttribute("data-start");
  const last = await slots.last().getAttribute("data-start");
  assert.equal(dateIn(first, "Pacific/Auckland"), athensDate(first), "09:00 Athens is the same evening there");
  assert.ok(!(await slots.first().innerText()).includes(ownDate(first, "Pacific/Auckland")));
  assert.notEqual(dateIn(last, "Pacific/Auckland"), athensDate(last), "14:40 Athens is past midnight there");
  assert.ok((await slots.last().innerText()).includes(ownDate(last, "Pacific/Auckland")), await slots.last().innerText());
  page.assertClean();
});

test("a 360 × 640 phone: the times come into view after a tap, the focus stays on the day", async () => {
  const page = await open(browser, { viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true });
  await toStep2(page);
  const day = page.locator("button.day.free").first();
  await day.focus();
  await page.keyboard.press("Enter");
  await page.locator("#times-heading").waitFor();
  await page.waitForFunction(() => {
    const r = document.getElementById("times-heading").getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok((await focused(page)) !== "times-heading");
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("day")), true);
  // The chosen day's "✓ 30" stays on one line.
  await page.locator("button.slot").first().click();
  const lines = await page.locator('button.day.free[aria-pressed="true"] .n').evaluate((n) => Math.round(n.getBoundingClientRect().height / parseFloat(getComputedStyle(n).lineHeight)));
  assert.equal(lines, 1);
  await audit(page, "step 2 at 360 px");
  page.assertClean();
});

test("a reload at steps 2, 3 and 4 keeps the step, the time and what was typed, never the consents", async () => {
  const page = await open(browser);
  await toStep2(page);
  await page.locator("button.day.free").first().click();
  const start = await page.locator("button.slot").first().getAttribute("data-start");
  await page.locator("button.slot").first().click();
  await page.reload();
  await expectStep(page, 2);
  await page.locator(`button.slot[data-start="${start}"][aria-checked="true"]`).waitFor();
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page);
  await page.reload();
  await expectStep(page, 3);
  assert.equal(await page.locator("#f-name").inputValue(), PATRON.name);
  assert.equal(await page.locator("#f-notes").inputValue(), PATRON.notes);
  assert.equal(await page.locator("#f-terms").isChecked(), false, "consents are given again");
  await page.locator("#f-terms").check();
  await page.locator("#f-privacy").check();
  await nextButton(page).click();
  await expectStep(page, 4);
  await page.reload();
  await expectStep(page, 3);
  assert.equal(await page.locator("#f-email").inputValue(), PATRON.email, "back to the consents, the rest kept");
  page.assertClean();
});

/** WCAG's contrast ratio of two CSS colours (rgb/rgba strings). */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("the focus ring contrasts at least 3:1 with the page behind it", async () => {
  const page = await open(browser);
  await toStep2(page);
  for (let i = 0; i < 30; i += 1) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.classList.contains("day"))) break;
  }
  const { ring, behind } = await page.evaluate(() => {
    const el = document.activeElement;
    const page = getComputedStyle(document.querySelector("main")).backgroundColor;
    return { ring: getComputedStyle(el).outlineColor, behind: page };
  });
  assert.ok(contrast(ring, behind) >= 3, `${ring} on ${behind}: ${contrast(ring, behind).toFixed(2)}:1`);
});

test("axe finds nothing on steps 1–4 in both languages at 1280 and 360 px, weekday headers included", async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 360, height: 640 }]) {
    for (const lang of ["el", "en"]) {
      const page = await open(browser, { viewport });
      await page.goto(`${BASE}/?lang=${lang}`);
      await page.locator("#step-heading").waitFor();
      await audit(page, `step 1 (${lang}, ${viewport.width})`);
      await nextButton(page).click();
      await expectStep(page, 2);
      await page.locator("button.day.free").first().click();
      await page.locator("button.slot").first().click();
      await audit(page, `step 2 (${lang}, ${viewport.width})`);
      const headers = await page.locator("table.month th").evaluateAll((ths) => ths.map((th) => th.textContent.trim()));
      assert.ok(headers.every((h) => h.length > 2), `weekday headers are read out: ${headers}`);
      await nextButton(page).click();
      await expectStep(page, 3);
      await fillDetails(page);
      await audit(page, `step 3 (${lang}, ${viewport.width})`);
      await nextButton(page).click();
      await expectStep(page, 4);
      await audit(page, `step 4 (${lang}, ${viewport.width})`);
      page.assertClean();
      await page.context().close();
    }
  }
});
