// The patron's whole journey with the mouse, as the seed describes it: book in four steps,
// read the confirmation mail in the outbox, follow its cancel link, cancel with a reason,
// read the cancellation mail, and find the time free again. axe audits every page on the way.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE, PATRON, audit, chooseFirstSlot, expectStep, fillDetails, freeStarts, launch, mailsTo, nextButton, open,
} from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("book, read the mail, cancel by its link, read the cancellation, the time is free again", async () => {
  const page = await open(browser);
  await page.goto(BASE);

  // Step 1: the service.
  await page.locator("#step-heading").waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "el");
  assert.match(await page.locator("main").innerText(), /myLIBRARYlive/);
  assert.match(await page.locator("main").innerText(), /Τμήμα Επιστημονικής Πληροφόρησης/);
  await audit(page, "step 1 (service)");
  await nextButton(page).click();

  // Step 2: a month calendar; Next without a time says what is missing.
  await expectStep(page, 2);
  await page.locator("button.day.free").first().waitFor();
  await nextButton(page).click();
  assert.match(await page.locator("#date-error").innerText(), /Διαλέξτε ημέρα και ώρα/);
  const start = await chooseFirstSlot(page);
  const day = start.slice(0, 10);
  const slotName = await page.locator(`button.slot[data-start="${start}"]`).getAttribute("aria-label");
  assert.match(slotName, /\d{4}, \d\d:\d\d–\d\d:\d\d$/, "the slot button is named with the full date and time");
  await audit(page, "step 2 (date and time)");
  await nextButton(page).click();

  // Step 3: the form; an empty submit lists every error next to its field.
  await expectStep(page, 3);
  assert.equal(await page.locator("#f-name").getAttribute("autocomplete"), "name");
  assert.equal(await page.locator("#f-email").getAttribute("autocomplete"), "email");
  assert.equal(await page.locator("#f-phone").getAttribute("autocomplete"), "tel");
  await nextButton(page).click();
  await page.locator("#error-summary").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "error-summary");
  assert.equal(await page.locator("#f-name").getAttribute("aria-invalid"), "true");
  assert.match(await page.locator("#f-name-error").innerText(), /Συμπληρώστε το ονοματεπώνυμό σας/);
  assert.match(await page.locator("#f-terms-error").innerText(), /Όρους και Προϋποθέσεις/);
  await audit(page, "step 3 with errors");
  await fillDetails(page);
  await page.locator("#f-email").fill("not-an-address");
  await nextButton(page).click();
  await page.locator("#f-email-error").waitFor();
  assert.match(await page.locator("#f-email-error").innerText(), /δεν είναι έγκυρη/);
  assert.equal(await page.locator("#f-name").inputValue(), PATRON.name, "what was typed is kept");
  await page.locator("#f-email").fill(PATRON.email);
  await audit(page, "step 3 (details)");
  await nextButton(page).click();

  // Step 4: the summary; a double click on Confirm books once.
  await expectStep(page, 4);
  const summary = await page.locator("main").innerText();
  assert.ok(summary.includes(PATRON.name) && summary.includes(PATRON.email) && summary.includes(PATRON.notes));
  await audit(page, "step 4 (summary)");
  // The bot check ran while the form was filled in, and says so (a status line).
  await page.locator('#pow-status[data-state="ready"]').waitFor();
  assert.match(await page.locator("#pow-status").innerText(), /ολοκληρώθηκε/);
  const powMs = Number(await page.evaluate(() => document.documentElement.dataset.powMs));
  assert.ok(powMs > 0, "the worker solved the challenge");
  console.log(`bot check solved in ${powMs} ms (difficulty ${(await (await fetch(`${BASE}/api/services`)).json()).policy.proof_of_work_difficulty})`);
  await page.getByRole("button", { name: "Επιβεβαίωση" }).dblclick();

  // Done.
  await page.getByRole("heading", { level: 1, name: /Το ραντεβού σας κλείστηκε/ }).waitFor();
  const done = await page.locator("main").innerText();
  assert.match(done, /katerina@example\.org/);
  assert.match(done, /ξεχωριστό email/, "the video-call link follows separately");
  await audit(page, "the success page");
  assert.ok(!(await freeStarts(day)).includes(start), "the booked time is no longer offered");
  page.assertClean();

  // The confirmation mail, once, in the outbox.
  const confirmations = await mailsTo(page, PATRON.email);
  assert.equal(confirmations.length, 1, "one confirmation for a double click");
  await page.goto(`${BASE}${confirmations[0].href}`);
  const mail = await page.locator("pre.mail").innerText();
  assert.match(mail, /Κατερίνα Παπαδοπούλου/);
  assert.match(mail, /διαπολιτισμική/);

  // Its cancel link opens the cancel page (which changes nothing).
  await page.locator('pre.mail a[href*="/manage?token="]').click();
  await page.locator("h1").waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "el");
  assert.ok((await page.locator("main").innerText()).includes(PATRON.name));
  assert.ok(!(await freeStarts(day)).includes(start), "opening the link cancels nothing");
  await audit(page, "the cancel page");
  await page.locator("#reason").fill("αλλαγή ημερομηνίας ραντεβού");
  // Asked once: without "yes, cancel" ticked the browser keeps the form.
  await page.locator("form.cancel-form button[type=submit]").click();
  assert.equal(await page.locator("form.cancel-form").count(), 1, "not sent unconfirmed");
  await page.getByLabel("Ναι, να ακυρωθεί αυτό το ραντεβού").check();
  await page.locator("form.cancel-form button[type=submit]").click();
  await page.locator("h1", { hasText: /ακυρώθηκε/ }).waitFor();
  await audit(page, "the cancelled page");

  // The cancellation mail carries the reason; the time is free again.
  const mails = await mailsTo(page, PATRON.email);
  assert.equal(mails.length, 2);
  await page.goto(`${BASE}${mails[0].href}`);
  assert.match(await page.locator("pre.mail").innerText(), /αλλαγή ημερομηνίας ραντεβού/);
  assert.ok((await freeStarts(day)).includes(start), "the cancelled time is offered again");

  // And the booking site offers it again.
  await page.goto(BASE);
  await nextButton(page).click();
  await page.locator(`button.day[data-date="${day}"]`).click();
  await page.locator(`button.slot[data-start="${start}"]`).waitFor();
});

test("the browser's Back button goes back one step and keeps what was chosen and typed", async () => {
  const page = await open(browser);
  await page.goto(BASE);
  await nextButton(page).click();
  await expectStep(page, 2);
  await page.locator("button.day.free").first().waitFor();
  const start = await chooseFirstSlot(page);
  await nextButton(page).click();
  await expectStep(page, 3);
  await page.locator("#f-name").fill(PATRON.name);

  await page.goBack();
  await expectStep(page, 2);
  assert.equal(await page.locator(`button.slot[data-start="${start}"]`).getAttribute("aria-checked"), "true");
  await page.goForward();
  await expectStep(page, 3);
  assert.equal(await page.locator("#f-name").inputValue(), PATRON.name);
  await page.goBack();
  await page.goBack();
  await expectStep(page, 1);
  page.assertClean();
});
