// The English switch: every text changes, `lang` follows, the choice is remembered, typed
// values survive the switch, validation speaks English, the confirmation mail is in English.
// The browser is in New York, so the page says the times are Greek time and shows local ones.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE, PATRON, audit, chooseFirstSlot, expectStep, fillDetails, launch, mailsTo, nextButton, open,
} from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("switch to English, book, and receive the mail in English", async () => {
  const page = await open(browser, { locale: "en-US", timezoneId: "America/New_York" });
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "el", "Greek by default, whatever the browser");
  const greekTitle = await page.title();

  await page.getByRole("button", { name: "English" }).click();
  await page.locator("html[lang=en]").waitFor();
  assert.match(await page.locator("#step-heading").innerText(), /Step 1 of 4/);
  assert.notEqual(await page.title(), greekTitle);
  const text = await page.locator("body").innerText();
  assert.match(text, /University of Macedonia - Library/);
  assert.match(text, /Department of Scientific Information & Documentation/);
  assert.doesNotMatch(await page.locator("main").innerText(), /[α-ω]{4,}/, "no Greek words left in the page");
  assert.equal(await page.getByRole("button", { name: "Ελληνικά" }).getAttribute("lang"), "el");
  await audit(page, "step 1 in English");

  // Remembered on reload.
  await page.reload();
  await page.locator("html[lang=en] #step-heading").waitFor();
  await nextButton(page).click();
  await expectStep(page, 2);

  // Times are the library's, and the page says so, with the patron's own beside them.
  await page.locator("button.day.free").first().waitFor();
  const step2 = await page.locator("main").innerText();
  assert.match(step2, /Times are Greek time\./);
  assert.match(step2, /another time zone \(New York\)/);
  assert.doesNotMatch(step2, /Europe\/Athens|America\/New_York/, "no raw zone names");
  const start = await chooseFirstSlot(page);
  const label = await page.locator(`button.slot[data-start="${start}"]`).getAttribute("aria-label");
  const athens = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Athens", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(start));
  const newYork = new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(start));
  assert.ok(label.includes(`${athens}–`), `${label} shows Athens time ${athens}`);
  assert.ok(label.includes(`${newYork} your time`), `${label} shows the patron's time ${newYork}`);
  await audit(page, "step 2 in English");
  await nextButton(page).click();

  // Validation in English; a value typed survives a switch to Greek and back.
  await expectStep(page, 3);
  // The terms linked are the English page (library.toml gives one per language).
  assert.equal(await page.locator('a[href$="/en/mylibrarylive-terms"]').count(), 1, "the English terms");
  assert.equal(await page.locator('a[href*="/el/mylibrarylive-terms"]').count(), 0);
  await page.locator("#f-name").fill(PATRON.name);
  await nextButton(page).click();
  await page.locator("#error-summary").waitFor();
  assert.match(await page.locator("#error-summary").innerText(), /Please enter your email address/);
  await page.getByRole("button", { name: "Ελληνικά" }).click();
  await page.locator("html[lang=el]").waitFor();
  assert.match(await page.locator("#error-summary").innerText(), /Συμπληρώστε τη διεύθυνση email σας/, "errors follow the language");
  assert.equal(await page.locator("#f-name").inputValue(), PATRON.name);
  await page.getByRole("button", { name: "English" }).click();
  await page.locator("html[lang=en]").waitFor();
  await fillDetails(page, { ...PATRON, email: "reader@example.org" });
  await audit(page, "step 3 in English");
  await nextButton(page).click();
  await expectStep(page, 4);
  await audit(page, "step 4 in English");
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.locator("h1", { hasText: "Your appointment is booked!" }).waitFor();
  assert.match(await page.locator("main").innerText(), /separate email/);
  page.assertClean();

  const mails = await mailsTo(page, "reader@example.org");
  assert.equal(mails.length, 1);
  assert.match(mails[0].subject, /booked|appointment/i);
  await page.goto(`${BASE}${mails[0].href}`);
  const mail = await page.locator("pre.mail").innerText();
  assert.match(mail, /Your appointment has been booked/);
  // The weekday and the month in words, Greek time said, and the patron's own time (New York).
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Athens", weekday: "long", day: "numeric", month: "long", year: "numeric" })
    .format(new Date(start)).replace(/,/g, "");
  assert.ok(mail.includes(`Start: ${day}, ${athens} (Greek time)`), mail);
  assert.ok(mail.includes(`In your time: `) && mail.includes(`${newYork} (New York)`), mail);
});

test("?lang=el opens the Greek site even after English was chosen", async () => {
  const page = await open(browser);
  await page.goto(`${BASE}/?lang=en`);
  await page.locator("html[lang=en] #step-heading").waitFor();
  await page.goto(`${BASE}/?lang=el`);
  await page.locator("html[lang=el] #step-heading").waitFor();
  assert.match(await page.locator("#step-heading").innerText(), /Βήμα 1 από 4/);
});
