// What SES says of a message, seen in the staff console: a bounce and a complaint, recorded
// from the `events/` fixtures with `rantevou mail-event` on the server's own data folder (as
// the scheduled function records them in AWS). The bounced appointment is marked "the address
// does not exist" in the agenda and listed, in a librarian's words, among the failed mail; the
// complained one has no reminder left, where an untouched one still has its own.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BASE, STAFF, audit, bookViaApi, launch, open } from "./lib.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** A day three or more days ahead with three free times (so that a reminder a day before is
 * still to come), and those times. */
async function dayAhead() {
  const from = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  const r = await fetch(`${BASE}/api/availability?service=mylibrarylive&from=${from}&to=${to}`);
  const day = (await r.json()).days.find((d) => d.slots.length >= 3);
  assert.ok(day, "a day with three free times");
  return { date: day.date, starts: day.slots.map((s) => s.start) };
}

/** Records the fixture `name` about appointment `id`, as SES would send it for that one. */
function record(name, id) {
  const event = JSON.parse(readFileSync(join(ROOT, "events", `send-pending-mail.${name}.json`), "utf8"));
  event.detail.mail.tags.appointment = [id];
  const file = join(mkdtempSync(join(tmpdir(), "ses-")), `${name}.json`);
  writeFileSync(file, JSON.stringify(event));
  return execFileSync(process.env.RANTEVOU_BIN, [
    "mail-event", file, "--data", process.env.DATA_DIR, "--config", join(ROOT, "infra/library.toml"),
  ], { encoding: "utf8" });
}

test("a bounce and a complaint change what the console shows", async () => {
  const { date, starts } = await dayAhead();
  const bounced = await bookViaApi(starts[0], { name: "Βασίλης Επιστροφή", email: "no-such-user@example.org", phone: "+30 2310 891002", notes: "Scopus" });
  const complained = await bookViaApi(starts[1], { name: "Κατερίνα Παράπονο", email: "complains@example.org", phone: "+30 2310 891003", notes: "Zotero" });
  const untouched = await bookViaApi(starts[2], { name: "Γιώργος Ήσυχος", email: "quiet@example.org", phone: "+30 2310 891004", notes: "EndNote" });
  assert.match(record("ses-bounce", bounced.id), /recorded \(Bounced\)/);
  assert.match(record("ses-complaint", complained.id), /recorded \(Complained\)/);

  const page = await open(browser);
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  await page.locator("#agenda-date").fill(date);
  await page.getByRole("button", { name: /^(Εμφάνιση|Show)$/ }).click();
  const row = page.getByRole("row", { name: /Βασίλης Επιστροφή/ });
  await row.waitFor();
  assert.match(await row.textContent(), /Η διεύθυνση δεν υπάρχει/);
  assert.doesNotMatch(await page.getByRole("row", { name: /Κατερίνα Παράπονο/ }).textContent(), /δεν υπάρχει|Αποτυχία/);
  await audit(page, "agenda with a bounce");

  // The failed mail: the bounce, in words a librarian acts on, and the way to correct it.
  await page.goto(`${BASE}/staff/#mail`);
  await page.getByRole("heading", { level: 1, name: "Μηνύματα που απέτυχαν" }).waitFor();
  const card = page.locator("form.card", { hasText: "Βασίλης Επιστροφή" });
  await card.waitFor();
  const said = await card.textContent();
  assert.match(said, /Η διεύθυνση email δεν υπάρχει ή δεν δέχεται μηνύματα/);
  assert.match(said, /550 5\.1\.1 user unknown/);
  assert.equal(await page.locator("form.card", { hasText: "Κατερίνα Παράπονο" }).count(), 0, "a complaint is no failure");
  await audit(page, "failed mail with a bounce");

  // The complained appointment has no reminder left; the untouched one still has its own.
  const reminders = async (id) => {
    await page.goto(`${BASE}/staff/#appointment/${id}`);
    await page.getByRole("heading", { level: 1, name: "Ραντεβού", exact: true }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Μηνύματα" }).waitFor();
    return page.locator("#mail-h + * li, section[aria-labelledby='mail-h'] li", { hasText: "Υπενθύμιση:" }).count();
  };
  assert.equal(await reminders(untouched.id), 1, "the untouched appointment's reminder");
  assert.equal(await reminders(complained.id), 0, "none after the complaint");
  page.assertClean();
});
