// A library that holds bookings until the patron confirms from the mail (policy.hold_minutes):
// the site says to check the mail, the mail carries only the time and the confirm link, the
// link's page changes nothing, its button books, and the confirmation follows. axe audits each.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE, PATRON, audit, chooseFirstSlot, expectStep, fillDetails, freeStarts, launch, mailsTo, nextButton, open,
} from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("book, check the mail, confirm by its link, the confirmation follows", async () => {
  const services = await (await fetch(`${BASE}/api/services`)).json();
  assert.equal(services.policy.hold_minutes, 30, "this server holds bookings");
  const page = await open(browser);
  await page.goto(BASE);
  await nextButton(page).click();
  await expectStep(page, 2);
  await page.locator("button.day.free").first().waitFor();
  const start = await chooseFirstSlot(page);
  const day = start.slice(0, 10);
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page);
  await nextButton(page).click();
  await expectStep(page, 4);
  await page.locator('#pow-status[data-state="ready"]').waitFor();
  await page.getByRole("button", { name: "Επιβεβαίωση" }).click();

  // The site: check your mail, by when.
  await page.getByRole("heading", { level: 1, name: /Επιβεβαιώστε από το email σας/ }).waitFor();
  const done = await page.locator("main").innerText();
  assert.match(done, /katerina@example\.org/);
  assert.match(done, /έως τις \d\d:\d\d/);
  assert.equal(await page.locator("#manage").count(), 0, "no link on the page: it is in the mail");
  await audit(page, "the held page");
  assert.ok(!(await freeStarts(day)).includes(start), "the held time is not offered");

  // The mail: the time and the link, nothing typed into the form.
  const requests = await mailsTo(page, PATRON.email);
  assert.equal(requests.length, 1);
  await page.goto(`${BASE}${requests[0].href}`);
  const mail = await page.locator("pre.mail").innerText();
  assert.ok(!mail.includes(PATRON.name) && !mail.includes(PATRON.notes), "no free text in the mail");

  // Its link opens a page that changes nothing; its button books.
  const link = await page.locator('pre.mail a[href*="/confirm?token="]').getAttribute("href");
  await page.locator('pre.mail a[href*="/confirm?token="]').click();
  await page.locator("form.confirm-form").waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "el");
  assert.ok(!(await page.locator("main").innerText()).includes(PATRON.name));
  await audit(page, "the confirm page");
  assert.equal((await mailsTo(page, PATRON.email)).length, 1, "opening the link sends nothing");
  await page.goto(link);
  await page.locator("form.confirm-form button[type=submit]").click();
  await page.locator("h1", { hasText: /κλείστηκε επιτυχώς/ }).waitFor();
  await audit(page, "the confirmed page");

  // The confirmation, with the details and the cancel link; the time stays taken.
  const mails = await mailsTo(page, PATRON.email);
  assert.equal(mails.length, 2);
  await page.goto(`${BASE}${mails[0].href}`);
  const confirmation = await page.locator("pre.mail").innerText();
  assert.match(confirmation, /Κατερίνα Παπαδοπούλου/);
  assert.match(confirmation, /\/manage\?token=/);
  assert.ok(!(await freeStarts(day)).includes(start));
  page.assertClean();
});
