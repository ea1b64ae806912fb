// The waiting list (issue 16) in Chromium: on a full day a patron leaves an address from
// step 2; a cancel elsewhere frees a time; the scheduler's mail arrives in the outbox and its
// link opens the booking site on that day with the freed time offered; the confirmation's
// leave link takes the address off. axe audits each new view. (The server runs its
// scheduler every 2 seconds instead of every minute.)

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, audit, bookViaApi, dayWithFreeTimes, expectStep, fillDetails, freeStarts, launch, mailsTo, nextButton, open, PATRON } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Waits (up to 20 s) for a mail to `to` whose subject matches `subject`. */
async function waitForMail(page, to, subject) {
  for (let i = 0; i < 40; i += 1) {
    const mail = (await mailsTo(page, to)).find((m) => subject.test(m.subject));
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`no mail "${subject}" to ${to}`);
}

test("a full day's waiting list: join from step 2, a cancel frees a time, the mail opens that day", async () => {
  const { date, starts } = await dayWithFreeTimes(1);
  const booked = [];
  for (const [i, start] of starts.entries()) {
    booked.push(await bookViaApi(start, { ...PATRON, email: `full${i}@example.org` }));
  }
  assert.deepEqual(await freeStarts(date), [], "the day is full");

  const page = await open(browser);
  await page.goto(BASE);
  await nextButton(page).click();
  await expectStep(page, 2);
  // A Saturday cannot be waited for, and the page says why, in words, at the day's field.
  await page.locator("#waitlist-section summary").click();
  const saturday = (() => {
    const day = new Date(`${date}T12:00:00Z`);
    day.setUTCDate(day.getUTCDate() + ((6 - day.getUTCDay() + 7) % 7 || 7));
    return day.toISOString().slice(0, 10);
  })();
  await page.locator("#w-date").fill(saturday);
  await page.locator("#w-email").fill("waiting@example.org");
  await page.locator("#w-privacy").check();
  await page.locator("#wait-button").click();
  await page.locator("#w-date-error:not([hidden])").waitFor();
  assert.match(await page.locator("#w-date-error").innerText(), /δεν προσφέρεται/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "w-date");
  await page.locator("#w-privacy").uncheck();
  await page.locator("#w-email").fill("");
  await page.locator("#waitlist-section summary").click(); // closed again

  // The full day chosen in the calendar opens the waiting list with that day filled in.
  await page.locator(`button.day[data-date="${date}"]`).click();
  assert.equal(await page.locator("#waitlist-section").getAttribute("open"), "");
  assert.equal(await page.locator("#w-date").inputValue(), date);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "w-email", "the field left to fill");
  assert.match(await page.locator("#wait-chosen").innerText(), /δεν υπάρχει ελεύθερη ώρα/);
  const size = await page.locator("#w-date").boundingBox();
  assert.ok(size.height >= 44 && size.width > 200, `the day's field is like the others: ${JSON.stringify(size)}`);
  await page.locator("#w-email").fill("waiting@example.org");
  await page.locator("#w-privacy").check();
  await audit(page, "step 2 with the waiting list open");
  await page.locator("#wait-button").click();
  await page.locator("#wait-done").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "wait-done");
  const joined = await waitForMail(page, "waiting@example.org", /λίστα αναμονής/);

  // Nothing more is sent until the address's owner confirms, from the mail, with one button
  // (a mail scanner that opens the link confirms nothing).
  await page.goto(`${BASE}${joined.href}`);
  const confirm = await page.locator('pre.mail a[href*="wait="]').first().getAttribute("href");
  await page.goto(confirm);
  await page.locator("#leave-button").waitFor();
  await audit(page, "the waiting list's confirm page");
  assert.equal(await page.locator("#step-heading").innerText(), "Η λίστα αναμονής");
  await page.locator("#leave-button").click();
  await page.locator("#leave-status .notice").waitFor();
  assert.match(await page.locator("#leave-status").innerText(), /Έγινε/);

  // Someone cancels a time of that day, with the link of their confirmation.
  const freed = booked[0];
  const token = new URL(freed.manage_url).searchParams.get("token");
  const r = await fetch(`${BASE}/api/appointments/${freed.id}/cancel`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token, reason: "" }),
  });
  assert.equal(r.status, 200);

  // The scheduler tells the waiting address; its link opens the day with the time offered.
  const told = await waitForMail(page, "waiting@example.org", /Ελευθερώθηκε/);
  await page.goto(`${BASE}${told.href}`);
  const link = await page.locator('pre.mail a[href*="date="]').first().getAttribute("href");
  assert.ok(link.includes(`date=${date}`), link);
  await page.goto(link);
  await expectStep(page, 2);
  await page.locator(`button.slot[data-start="${starts[0]}"]`).waitFor();
  assert.equal(await page.locator(`button.day[data-date="${date}"]`).getAttribute("aria-pressed"), "true");
  await audit(page, "the freed day opened from the mail");
  // Booked from there, the booking says it came from the waiting list (for the statistics).
  assert.ok(link.includes("from=waitlist"), link);
  const sent = new Promise((resolve) =>
    page.on("request", (req) => req.url().endsWith("/api/appointments") && req.method() === "POST" && resolve(req.postDataJSON())),
  );
  await page.locator(`button.slot[data-start="${starts[0]}"]`).click();
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page, { ...PATRON, email: "waiting@example.org" });
  await nextButton(page).click();
  await expectStep(page, 4);
  await page.getByRole("button", { name: "Επιβεβαίωση", exact: true }).click();
  assert.equal((await sent).source, "waitlist");
  await page.getByRole("heading", { level: 1, name: /Το ραντεβού σας κλείστηκε/ }).waitFor();

  // The confirmation's leave link takes the address off the list.
  await page.goto(`${BASE}${joined.href}`);
  const leave = await page.locator('pre.mail a[href*="leave="]').first().getAttribute("href");
  await page.goto(leave);
  await page.locator("#leave-button").waitFor();
  // The page names the day it is about, in words.
  const dayInWords = new Intl.DateTimeFormat("el-GR", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(`${date}T12:00:00Z`));
  assert.ok((await page.locator("#wait-day").innerText()).includes(dayInWords), await page.locator("#wait-day").innerText());
  await audit(page, "the leave page");
  await page.locator("#leave-button").click();
  await page.locator("#leave-status .notice").waitFor();
  assert.match(await page.locator("#leave-status").innerText(), /Αποχωρήσατε/);
});
