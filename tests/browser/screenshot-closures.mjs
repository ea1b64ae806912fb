// The README's picture of the console's closures: two appointments under a closure being added,
// the offer to cancel them with one message each, and the configuration's holidays listed.
//   node tests/browser/screenshot-closures.mjs http://127.0.0.1:8080 "<outbox URL with its key>" docs/staff-closures.png
const [base, outbox, out = "docs/staff-closures.png"] = process.argv.slice(2);
process.env.BASE_URL = base;
process.env.OUTBOX_URL = outbox;
const { STAFF, bookViaApi, dayWithFreeTimes, launch } = await import("./lib.mjs");

const { date, starts } = await dayWithFreeTimes(8);
await bookViaApi(starts[0], { name: "Κατερίνα Παπαδοπούλου", email: "k.papadopoulou@example.org", phone: "+30 690 000 0000", notes: "Scopus" });
await bookViaApi(starts[2], { name: "Νίκος Αλεξίου", email: "nikos.alexiou@example.org", phone: "+30 2310 891001", notes: "Mendeley" });
const browser = await launch();
const page = await (await browser.newContext({ locale: "el-GR", timezoneId: "Europe/Athens", viewport: { width: 1000, height: 1250 } })).newPage();
await page.goto(STAFF);
await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
await page.goto(`${base}/staff/#closures`);
await page.locator("#closure-name").waitFor();
await page.locator("#closure-name").fill("Απεργία");
await page.locator("#closure-from").fill(date);
await page.getByRole("button", { name: "Κλείσιμο", exact: true }).click();
await page.getByRole("alert").filter({ hasText: "Προσοχή" }).waitFor();
await page.locator("#add-closure-h").scrollIntoViewIfNeeded();
await page.screenshot({ path: out });
await browser.close();
console.log(`wrote ${out}`);
