// Two patrons in two browsers race for the same time: exactly one is booked; the other is
// sent back to step 2 with a clear message and fresh times that no longer offer it.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PATRON, audit, expectStep, fillDetails, launch, mailsTo, nextButton, open } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function toSummary(page, start, patron) {
  await page.goto(BASE);
  await nextButton(page).click();
  await expectStep(page, 2);
  await page.locator(`button.day[data-date="${start.slice(0, 10)}"]`).click();
  await page.locator(`button.slot[data-start="${start}"]`).click();
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page, patron);
  await nextButton(page).click();
  await expectStep(page, 4);
}

test("two pages confirm the same time at once: one wins, the other is sent back to step 2", async () => {
  const a = await open(browser);
  const b = await open(browser);
  const r = await fetch(`${BASE}/api/availability?service=mylibrarylive`);
  const start = (await r.json()).days.flatMap((d) => d.slots)[0].start;

  await toSummary(a, start, { ...PATRON, email: "first@example.org" });
  await toSummary(b, start, { ...PATRON, email: "second@example.org" });
  await Promise.all([
    a.getByRole("button", { name: "Επιβεβαίωση" }).click(),
    b.getByRole("button", { name: "Επιβεβαίωση" }).click(),
  ]);

  const outcome = async (page) => {
    const done = page.locator("h1", { hasText: /Το ραντεβού σας κλείστηκε/ });
    const back = page.locator("#notice");
    await done.or(back).waitFor();
    return (await done.count()) ? "booked" : "sent back";
  };
  const outcomes = [await outcome(a), await outcome(b)];
  assert.deepEqual([...outcomes].sort(), ["booked", "sent back"], `one wins: ${outcomes}`);
  const loser = outcomes[0] === "booked" ? b : a;
  const loserEmail = loser === a ? "first@example.org" : "second@example.org";
  const winnerEmail = loser === a ? "second@example.org" : "first@example.org";

  // The loser is on step 2: told why, focus on the heading, the taken time gone.
  await expectStep(loser, 2);
  assert.match(await loser.locator("#notice").innerText(), /μόλις κλείστηκε από κάποιον άλλο/);
  assert.equal(await loser.locator("#notice").getAttribute("role"), "alert");
  await loser.locator(`button.day[data-date="${start.slice(0, 10)}"]`).click();
  await loser.locator("button.slot").first().waitFor();
  assert.equal(await loser.locator(`button.slot[data-start="${start}"]`).count(), 0, "the taken time is not offered");
  await audit(loser, "step 2 after a taken slot");

  // What the loser typed is still there when they pick another time.
  await loser.locator("button.slot").first().click();
  await nextButton(loser).click();
  await expectStep(loser, 3);
  assert.equal(await loser.locator("#f-email").inputValue(), loserEmail);

  // One confirmation, to the winner only.
  const check = await open(browser);
  assert.equal((await mailsTo(check, winnerEmail)).length, 1);
  assert.equal((await mailsTo(check, loserEmail)).length, 0);
  const conflict = /status of 409 \(Conflict\).*\/api\/appointments/;
  a.assertClean([conflict]);
  b.assertClean([conflict]);
});
