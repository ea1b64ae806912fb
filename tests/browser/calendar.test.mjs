// The console's notice of a librarian's calendar that cannot be read: the served
// configuration gives `sip` a published calendar on a loopback port where nothing listens
// (cli/tests/it/browser.rs), the scheduler runs every second; the staff API says since when
// the reads fail and why, without the address, and the agenda shows it, audited by axe.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, STAFF, STAFF_KEY, audit, launch, open } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const auth = { headers: { Authorization: `Bearer ${STAFF_KEY}` } };

/** The agenda's calendars once the scheduler has tried to read them. */
async function calendarsTried() {
  for (let i = 0; i < 150; i++) {
    const r = await fetch(`${BASE}/api/staff/agenda`, auth);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.ok(!text.includes("anna-secret.ics"), "the calendar's address is never shown");
    const body = JSON.parse(text);
    if (body.calendars[0]?.failing_since) return body.calendars;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error("the scheduler never tried the calendar");
}

test("a calendar that cannot be read is stale, since when and why, in the API and the agenda", async () => {
  const calendars = await calendarsTried();
  assert.equal(calendars.length, 1);
  const [sip] = calendars;
  assert.equal(sip.provider, "sip");
  assert.equal(sip.kind, "ics");
  assert.equal(sip.host, "127.0.0.1");
  assert.equal(sip.read_at, null);
  assert.equal(sip.problem, "could not connect");
  assert.equal(sip.stale, true);

  const page = await open(browser);
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  const notice = page.getByRole("region", { name: "Ημερολόγια που δεν ενημερώνονται" });
  await notice.waitFor();
  const text = await notice.innerText();
  assert.match(text, /δεν διαβάζεται από/);
  assert.match(text, /could not connect/);
  assert.match(text, /127\.0\.0\.1/);
  assert.match(text, /δεν έχουν διαβαστεί ποτέ/);
  assert.ok(!text.includes("anna-secret"), text);
  await audit(page, "the agenda with a stale calendar");

  // The signed-out API says nothing of it.
  const signedOut = await fetch(`${BASE}/api/staff/agenda`);
  assert.equal(signedOut.status, 401);
});
