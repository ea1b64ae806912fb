// The patron's journey on a library imported from Easy!Appointments (cli/tests/it/import_ea.rs
// serves it): on a day with a booking made in EA, that time is not offered, a time EA offered
// is, and booking it works as on any day. SEEDED names the day and both times.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, audit, expectStep, launch, nextButton, open } from "./lib.mjs";

const SEEDED = JSON.parse(process.env.SEEDED || "{}");
let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** The HH:MM of each time offered in the times list. */
async function offered(page) {
  const starts = await page.locator("button.slot").evaluateAll((bs) => bs.map((b) => b.dataset.start));
  return starts.map((s) => s.slice(11, 16));
}

test("a time booked in Easy!Appointments is taken, a time it offered is booked", async () => {
  assert.ok(SEEDED.date && SEEDED.taken && SEEDED.free, `SEEDED names the day and times: ${process.env.SEEDED}`);
  const page = await open(browser);
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  assert.match(await page.locator("main").innerText(), /myLIBRARYlive/);
  await page.locator("#provider").selectOption(SEEDED.provider);
  await nextButton(page).click();

  await expectStep(page, 2);
  const day = page.locator(`button.day[data-date="${SEEDED.date}"]`);
  for (let i = 0; i < 3 && !(await day.count()); i++) {
    await page.locator("button.day").first().waitFor();
    if (await day.count()) break;
    await page.getByRole("button", { name: /Επόμενος μήνας|Next month/ }).click();
  }
  await day.click();
  await page.locator("button.slot").first().waitFor();
  const times = await offered(page);
  assert.ok(!times.includes(SEEDED.taken), `${SEEDED.taken} was booked in EA: not offered (${times})`);
  assert.ok(times.includes(SEEDED.free), `${SEEDED.free} was free in EA: offered (${times})`);
  await audit(page, "step 2 on the imported library");
  await page.locator(`button.slot[data-start^="${SEEDED.date}T${SEEDED.free}"]`).click();
  await nextButton(page).click();

  await expectStep(page, 3);
  await page.locator("#f-name").fill("Ελένη Σταματίου");
  await page.locator("#f-email").fill("eleni.stamatiou@example.org");
  await page.locator("#f-notes").fill("Πηγές για την ιστορία της Θεσσαλονίκης");
  await page.locator("#q-custom_field_1").fill("Μεταπτυχιακή φοιτήτρια");
  await page.locator("#f-terms").check();
  await page.locator("#f-privacy").check();
  await nextButton(page).click();

  await expectStep(page, 4);
  await page.locator('#pow-status[data-state="ready"]').waitFor({ timeout: 60000 });
  await page.getByRole("button", { name: "Επιβεβαίωση" }).click();
  await page.getByRole("heading", { level: 1, name: /Το ραντεβού σας κλείστηκε/ }).waitFor();

  const r = await fetch(`${BASE}/api/availability?service=mylibrarylive&provider=${SEEDED.provider}&from=${SEEDED.date}&to=${SEEDED.date}`);
  const left = (await r.json()).days.flatMap((d) => d.slots.map((s) => s.start.slice(11, 16)));
  assert.ok(!left.includes(SEEDED.free), "the time just booked is no longer offered");
  assert.ok(!left.includes(SEEDED.taken), "nor the one booked in EA");
});
