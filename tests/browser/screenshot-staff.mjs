// The README's picture of the staff console: the agenda of a day with three appointments (one
// with its link sent), on a fresh `rantevou serve`.
//   node tests/browser/screenshot-staff.mjs http://127.0.0.1:8080 "<outbox URL with its key>" docs/staff-agenda.png
const [base, outbox, out = "docs/staff-agenda.png"] = process.argv.slice(2);
process.env.BASE_URL = base;
process.env.OUTBOX_URL = outbox;
const { STAFF_KEY, bookViaApi, dayWithFreeTimes, launch } = await import("./lib.mjs");

const { date, starts } = await dayWithFreeTimes(6);
const people = [
  { name: "Κατερίνα Παπαδοπούλου", email: "katerina@example.org", phone: "+30 690 000 0000", notes: "Αναζήτηση άρθρων για τη διαπολιτισμική εκπαίδευση" },
  { name: "Νίκος Αλεξίου", email: "nikos@example.org", phone: "+30 2310 891001", notes: "Scopus: ειδοποιήσεις και αναφορές" },
  { name: "Ελένη Κωνσταντίνου", email: "eleni@example.org", phone: "+30 2310 891000", notes: "Mendeley και βιβλιογραφία διπλωματικής" },
];
const booked = [];
for (const [i, p] of people.entries()) booked.push(await bookViaApi(starts[i * 2], p));
await fetch(`${base}/api/staff/appointments/${booked[0].id}/meeting`, {
  method: "POST",
  headers: { Authorization: `Bearer ${STAFF_KEY}`, "Content-Type": "application/json" },
  body: JSON.stringify({ url: "https://uom.zoom.us/j/555000111" }),
});
const browser = await launch();
const page = await (await browser.newContext({ locale: "el-GR", timezoneId: "Europe/Athens", viewport: { width: 1100, height: 800 } })).newPage();
await page.goto(`${base}/staff/#key=${STAFF_KEY}`);
await page.locator("#agenda-date").waitFor();
await page.locator("#agenda-date").fill(date);
await page.getByRole("button", { name: "Εμφάνιση" }).click();
await page.locator("table.agenda tbody tr").nth(2).waitFor();
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`wrote ${out}`);
