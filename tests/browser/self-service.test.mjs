// Patrons help themselves (issue 16): the link in the mail opens the manage page, where the
// booking site's calendar moves the appointment, by keyboard alone; a time taken meanwhile
// keeps the old one. axe audits the manage page before and after.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, audit, bookViaApi, dayWithFreeTimes, freeStarts, launch, mailsTo, open, PATRON } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** The manage link in the newest mail to `email` whose subject matches `subject`. */
async function manageLink(page, email, subject) {
  const mail = (await mailsTo(page, email)).find((m) => subject.test(m.subject));
  assert.ok(mail, `a mail "${subject}" to ${email}`);
  await page.goto(`${BASE}${mail.href}`);
  return page.locator('pre.mail a[href*="/manage?token="]').first().getAttribute("href");
}

/** Presses Tab until the focused element matches `selector` (at most 60 times). */
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

test("a patron moves the appointment from the mail's link with the keyboard alone", async () => {
  const { date, starts } = await dayWithFreeTimes(3);
  const patron = { ...PATRON, email: "moving@example.org" };
  await bookViaApi(starts[0], patron);
  const page = await open(browser);
  const link = await manageLink(page, patron.email, /κλείστηκε/);
  await page.goto(link);
  await page.locator("#move button.day").first().waitFor();
  assert.equal(await page.locator("h1").innerText(), "Το ραντεβού σας");
  assert.ok(!(await freeStarts(date)).includes(starts[0]), "opening the page changes nothing");
  await audit(page, "the manage page");

  // Into the calendar, along the days with the arrows, the day opened with Enter.
  await tabTo(page, "#move button.day[tabindex='0']");
  for (let i = 0; i < 62; i += 1) {
    const at = await page.evaluate(() => document.activeElement?.dataset?.date);
    if (at === date) break;
    await page.keyboard.press(at < date ? "ArrowRight" : "ArrowLeft");
    await page.waitForFunction(() => document.activeElement?.dataset?.date);
  }
  assert.equal(await page.evaluate(() => document.activeElement.dataset.date), date);
  await page.keyboard.press("Enter");
  await page.locator(`#move button.slot[data-start="${starts[1]}"]`).waitFor();
  // The times are one radio group: Tab reaches it, the arrow chooses the next time.
  await tabTo(page, "#move button.slot[tabindex='0']");
  for (let i = 0; i < 40; i += 1) {
    if ((await page.evaluate(() => document.activeElement?.dataset?.start)) === starts[1]) break;
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  assert.equal(await page.locator(`button.slot[data-start="${starts[1]}"]`).getAttribute("aria-checked"), "true");
  await tabTo(page, "#move-button");
  await page.keyboard.press("Enter");

  // Moved: said where the focus is, the details show the new time, the old one is free.
  await page.locator("#move-done").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "move-done");
  const clock = new Intl.DateTimeFormat("el-GR", { timeZone: "Europe/Athens", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const newTime = clock.format(new Date(starts[1]));
  assert.ok((await page.locator("#move-done").innerText()).includes(newTime));
  assert.ok((await page.locator("#d-start").innerText()).includes(newTime));
  await audit(page, "the manage page after the move");
  const free = await freeStarts(date);
  assert.ok(free.includes(starts[0]) && !free.includes(starts[1]), "the times swapped");

  // The mail says so, and its link opens the page at the new time.
  const moved = await manageLink(page, patron.email, /άλλαξε/);
  assert.equal(moved, link, "one link for the appointment's life");
  await page.goto(moved);
  assert.ok((await page.locator("#d-start").innerText()).includes(newTime));
});

test("a time taken while the page was open keeps the old one and offers the others", async () => {
  const { date, starts } = await dayWithFreeTimes(3);
  const patron = { ...PATRON, email: "keeps@example.org" };
  await bookViaApi(starts[0], patron);
  const page = await open(browser);
  await page.goto(await manageLink(page, patron.email, /κλείστηκε/));
  await page.locator(`#move button.day[data-date="${date}"]`).click();
  await page.locator(`#move button.slot[data-start="${starts[2]}"]`).click();
  // Someone else books that time first.
  await bookViaApi(starts[2], { ...PATRON, email: "faster@example.org" });
  await page.locator("#move-button").click();
  await page.locator("#move-notice").waitFor();
  assert.match(await page.locator("#move-notice").innerText(), /κρατά την ώρα του/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "move-notice");
  const free = await freeStarts(date);
  assert.ok(!free.includes(starts[0]), "the old time is still the patron's");
  await audit(page, "the manage page after a refusal");
});
