// The staff console in Chromium, signed in with the key `rantevou serve` printed: a librarian's
// day (today's agenda, an appointment, the link, a cancel with a reason that reaches the
// patron's outbox, an afternoon closed that the booking site stops offering), each page in
// Greek and English audited by axe, and the same done with the keyboard alone.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, STAFF, STAFF_KEY, audit, bookViaApi, dayWithFreeTimes, focused, freeStarts, launch, mailsTo, open } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const ELENI = { name: "Ελένη Κωνσταντίνου", email: "eleni@example.org", phone: "+30 2310 891000", notes: "Mendeley και βιβλιογραφία" };
const NIKOS = { name: "Νίκος Αλεξίου", email: "nikos@example.org", phone: "+30 2310 891001", notes: "Scopus" };

async function agendaOf(page, date) {
  // Emptied first, so that the wait below is for the new day's answer.
  await page.evaluate(() => document.getElementById("agenda-results").replaceChildren());
  await page.locator("#agenda-date").fill(date);
  await page.getByRole("button", { name: /^(Εμφάνιση|Show)$/ }).click();
  await page.locator("#agenda-results caption, #agenda-results h2").first().waitFor();
}

test("the staff API refuses calls without the key, or with another", async () => {
  for (const auth of [null, "Bearer not-the-key", `Basic ${STAFF_KEY}`]) {
    const r = await fetch(`${BASE}/api/staff/agenda`, { headers: auth ? { Authorization: auth } : {} });
    assert.equal(r.status, 401, String(auth));
    assert.match(r.headers.get("www-authenticate") || "", /^Bearer/);
  }
  const ok = await fetch(`${BASE}/api/staff/me`, { headers: { Authorization: `Bearer ${STAFF_KEY}` } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).who, "staff@localhost");
});

test("a librarian's day: agenda, an appointment, the link, a cancel, an afternoon closed", async () => {
  const { date, starts } = await dayWithFreeTimes(4);
  const morning = starts[0];
  const eleni = await bookViaApi(morning, ELENI);
  await bookViaApi(starts[1], NIKOS);

  const page = await open(browser);
  // Signed out: the sign-in page, nothing else.
  await page.goto(`${BASE}/staff/`);
  await page.getByRole("heading", { level: 1, name: "Σύνδεση προσωπικού" }).waitFor();
  assert.equal(await page.locator("#staff-nav").isHidden(), true);
  await audit(page, "the sign-in page");

  // The printed link signs in and lands on the agenda; the key leaves the address.
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  assert.ok(!page.url().includes(STAFF_KEY), "the key is not left in the address bar");
  assert.match(await page.locator("#who").innerText(), /staff@localhost/);
  await agendaOf(page, date);
  const rows = page.locator("table.agenda tbody tr");
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).innerText(), /Ελένη Κωνσταντίνου/);
  assert.match(await rows.nth(0).innerText(), /Mendeley/);
  assert.match(await rows.nth(0).innerText(), /Χωρίς σύνδεσμο/);
  await audit(page, "the agenda (day)");
  await page.evaluate(() => document.getElementById("agenda-results").replaceChildren());
  await page.locator("#agenda-span").selectOption("week");
  await page.getByRole("button", { name: "Εμφάνιση" }).click();
  await page.locator("#agenda-results section, #agenda-results table").nth(6).waitFor();
  await audit(page, "the agenda (week)");

  // The appointment: details, consent, mail history; the link sent from here.
  await page.getByRole("link", { name: "Ελένη Κωνσταντίνου" }).first().click();
  await page.getByRole("heading", { level: 1, name: "Ραντεβού", exact: true }).waitFor();
  const details = await page.locator("dl.details").innerText();
  assert.match(details, /eleni@example\.org/);
  assert.match(details, /Όροι και πολιτική απορρήτου αποδεκτά/);
  // The answers to the service's questions, in words.
  assert.match(details, /Ιδιότητα\s+Προπτυχιακός\/ή φοιτητής\/τρια/);
  assert.match(details, /Σχολή\s+Επιστημών Πληροφορίας/);
  assert.match(await page.locator("main").innerText(), /Επιβεβαίωση: στάλθηκε/);
  await audit(page, "an appointment");
  await page.locator("#meeting-url").fill("https://uom.zoom.us/j/555000111");
  await page.getByRole("button", { name: "Αποστολή συνδέσμου" }).click();
  await page.getByText("Ο σύνδεσμος στάλθηκε στον/στην ενδιαφερόμενο/η.").first().waitFor();
  assert.match(await page.locator("main").innerText(), /Σύνδεσμος: στάλθηκε/);
  assert.match(await page.locator("table.agenda").last().innerText(), /staff@localhost/);

  // Cancel with a reason, after a confirmation.
  await page.locator("#cancel-reason").fill("Η βιβλιοθηκονόμος ασθενεί· κλείστε άλλη ώρα");
  await page.getByRole("button", { name: "Ακύρωση ραντεβού" }).click();
  await page.getByRole("button", { name: "Ναι, ακύρωση" }).click();
  await page.getByText("Το ραντεβού ακυρώθηκε").first().waitFor();
  assert.match(await page.locator("dl.details").innerText(), /Ακυρώθηκε/);
  assert.equal(await page.locator("#meeting-url").count(), 0, "no link for a cancelled appointment");
  await audit(page, "a cancelled appointment");
  // The patron's cancellation, with the reason, is in the outbox; the time is offered again.
  const mails = await mailsTo(page, ELENI.email);
  // Written for a cancellation by the library: its heading, an apology, a link to book again.
  assert.match(mails[0].subject, /Η Βιβλιοθήκη ακύρωσε το ραντεβού σας/);
  await page.goto(new URL(mails[0].href, `${BASE}/outbox/`).href);
  const cancelMail = await page.locator("body").innerText();
  assert.match(cancelMail, /Η βιβλιοθηκονόμος ασθενεί/);
  assert.match(cancelMail, /Σας ζητούμε συγγνώμη/);
  assert.match(cancelMail, /Κλείστε άλλη ώρα/);
  assert.ok((await freeStarts(date)).includes(eleni.start), "the cancelled time is free again");

  // Close the afternoon of that day: the booking site stops offering it at once.
  await page.goto(`${BASE}/staff/#closures`);
  await page.getByRole("heading", { level: 1, name: "Κλειστές ημέρες και ώρες" }).waitFor();
  await audit(page, "closures");
  await page.locator("#closure-name").fill("Συνέλευση προσωπικού");
  await page.locator("#closure-from").fill(date);
  await page.locator("#closure-from-time").fill("12:00");
  await page.locator("#closure-to-time").fill("17:00");
  await page.getByRole("button", { name: "Κλείσιμο" }).click();
  await page.getByText("Η περίοδος έκλεισε").first().waitFor();
  assert.match(await page.locator("table.agenda").first().innerText(), /Συνέλευση προσωπικού[\s\S]*12:00–17:00/);
  // On the library's record, by the key's holder.
  assert.match(await page.locator("#library-audit-h + div").innerText(), /staff@localhost[\s\S]*Κλειστή περίοδος[\s\S]*Συνέλευση προσωπικού/);
  const offered = await freeStarts(date);
  assert.ok(offered.length > 0, "the morning is still offered");
  for (const s of offered) {
    const hhmm = new Date(s).toLocaleTimeString("en-GB", { timeZone: "Europe/Athens", hour: "2-digit", minute: "2-digit" });
    assert.ok(hhmm <= "11:40" || hhmm >= "17:00", `${hhmm} is offered inside the closed afternoon`);
  }
  // A closure over Nikos's morning warns, naming him, before it is added.
  await page.locator("#closure-name").fill("Απογραφή");
  await page.locator("#closure-from").fill(date);
  await page.getByRole("button", { name: "Κλείσιμο" }).click();
  await page.getByRole("alert").filter({ hasText: "Προσοχή: 1 ραντεβού" }).waitFor();
  assert.match(await page.getByRole("alert").filter({ hasText: "Προσοχή: 1 ραντεβού" }).innerText(), /Νίκος Αλεξίου/);
  await audit(page, "closures with the overlap warning");

  // The other pages, and the English console.
  await page.goto(`${BASE}/staff/#mail`);
  await page.getByRole("heading", { level: 1, name: "Μηνύματα που απέτυχαν" }).waitFor();
  await page.getByText("Κανένα μήνυμα δεν απέτυχε.").waitFor();
  await audit(page, "failed mail");
  await page.goto(`${BASE}/staff/#data`);
  await page.getByRole("heading", { level: 1, name: "Εξαγωγή και δεδομένα ενδιαφερομένων" }).waitFor();
  await audit(page, "export and data");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Λήψη CSV" }).click();
  assert.match((await download).suggestedFilename(), /^appointments-.*\.csv$/);
  const xlsx = page.waitForEvent("download");
  await page.getByRole("button", { name: "Λήψη Excel (XLSX)" }).click();
  assert.match((await xlsx).suggestedFilename(), /^appointments-.*\.xlsx$/);
  await page.locator("#lang-switch").click();
  await page.getByRole("heading", { level: 1, name: "Export and patrons' data" }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await audit(page, "export and data (English)");
  for (const [hash, heading] of [["agenda", "Agenda"], ["closures", "Closed days and hours"], ["mail", "Failed mail"]]) {
    await page.goto(`${BASE}/staff/#${hash}`);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await audit(page, `${hash} (English)`);
  }
  page.assertClean();
});

test("with the keyboard alone: sign in with the key, open an appointment, cancel it", async () => {
  const { starts } = await dayWithFreeTimes(1);
  await bookViaApi(starts[0], { ...NIKOS, email: "keys@example.org", name: "Άννα Πλήκτρου" });
  const page = await open(browser, { viewport: { width: 360, height: 640 } });
  await page.goto(`${BASE}/staff/`);
  await page.getByRole("heading", { level: 1, name: "Σύνδεση προσωπικού" }).waitFor();
  for (let i = 0; i < 10 && (await focused(page)) !== "staff-key"; i += 1) await page.keyboard.press("Tab");
  assert.equal(await focused(page), "staff-key");
  await page.keyboard.type(STAFF_KEY);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  // To the appointment's day with "Next ›", pressed from the keyboard.
  const day = starts[0].slice(0, 10);
  for (let i = 0; i < 20 && (await focused(page)) !== "agenda-next"; i += 1) await page.keyboard.press("Tab");
  assert.equal(await focused(page), "agenda-next");
  for (let i = 0; i < 40 && (await page.locator("#agenda-date").inputValue()) !== day; i += 1) {
    await page.keyboard.press("Enter");
    await page.waitForTimeout(100);
  }
  // Exact: the "next appointment" line above the agenda names the patron too.
  await page.getByRole("link", { name: "Άννα Πλήκτρου", exact: true }).waitFor();
  let onLink = false;
  for (let i = 0; i < 40 && !onLink; i += 1) {
    await page.keyboard.press("Tab");
    onLink = await page.evaluate(() => document.activeElement?.textContent === "Άννα Πλήκτρου");
  }
  assert.ok(onLink, "Tab reaches the patron's link");
  await page.keyboard.press("Enter");
  // Exactly "Ραντεβού": the agenda's "Πρόγραμμα ραντεβού" would match a looser name before the
  // new view is drawn (the race a CI run caught).
  await page.getByRole("heading", { level: 1, name: "Ραντεβού", exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1", "the focus moves to the new page's heading");
  await page.locator("#cancel-reason").focus();
  await page.keyboard.type("Αλλαγή προγράμματος");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Ακύρωση ραντεβού");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Ναι, ακύρωση", "the confirmation takes the focus");
  await page.keyboard.press("Enter");
  await page.getByText("Το ραντεβού ακυρώθηκε").first().waitFor();
  await audit(page, "a cancelled appointment at 360 px");
  page.assertClean();
});

test("the console's Greek and English texts have the same keys", async () => {
  const { TEXTS } = await import("../../site/staff/js/texts.js");
  const shape = (o) => Object.keys(o).sort().map((k) => (o[k] && typeof o[k] === "object" ? `${k}{${shape(o[k])}}` : k)).join(",");
  assert.equal(shape(TEXTS.en), shape(TEXTS.el));
});
