// What patrons tripped on in use (issue 29), checked in Chromium: a likely typo in the email's
// domain is pointed out with the fix one press away and never refused; the appointment's page
// has a skip link and a language switch, and books again on its own origin.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE, PATRON, STAFF, audit, bookViaApi, chooseFirstSlot, dayWithFreeTimes, expectStep, fillDetails, freeStarts, launch, mailsTo, nextButton, open,
} from "./lib.mjs";
import { suggestEmail } from "../../site/js/typo.js";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the typo rules: near a known domain or ending, never for one that is right", () => {
  assert.equal(suggestEmail("maria@gmial.com"), "maria@gmail.com");
  assert.equal(suggestEmail("maria@exmaple.gr"), "maria@example.gr");
  assert.equal(suggestEmail("maria@hotmial.com"), "maria@hotmail.com");
  assert.equal(suggestEmail("maria@gmail.con"), "maria@gmail.com");
  assert.equal(suggestEmail("s.papa@uom.edu.gt"), "s.papa@uom.edu.gr");
  assert.equal(suggestEmail("x@library.example.net", ["library.example.net"]), null, "the library's own");
  for (const right of ["maria@gmail.com", "maria@uom.edu.gr", "a@physics.auth.gr", "a@ece.upatras.gr", "not an address", "a@"]) {
    assert.equal(suggestEmail(right), null, right);
  }
});

test("a likely typo is suggested on the form, one press fixes it, and it is never refused", async () => {
  const page = await open(browser);
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  await nextButton(page).click();
  await expectStep(page, 2);
  await chooseFirstSlot(page);
  await nextButton(page).click();
  await expectStep(page, 3);
  await page.locator("#f-name").fill("Μαρία Ιωάννου");
  await page.locator("#f-email").fill("maria@gmial.com");
  await page.locator("#f-phone").focus();
  const hint = page.locator("#email-suggestion");
  await hint.locator("#email-use").waitFor();
  assert.equal((await hint.innerText()).trim(), "Μήπως εννοείτε maria@gmail.com;");
  await audit(page, "step 3 with an email suggestion");
  await page.locator("#email-use").click();
  assert.equal(await page.locator("#f-email").inputValue(), "maria@gmail.com");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "f-email", "back to the field");
  assert.equal(await hint.innerText(), "", "the suggestion is gone once taken");

  // Left as typed, the address goes on: the form moves to the summary.
  await fillDetails(page, { ...PATRON, email: "maria@exmaple.gr" });
  await hint.locator("#email-use").waitFor();
  await nextButton(page).click();
  await expectStep(page, 4);
  assert.match(await page.locator("main").innerText(), /maria@exmaple\.gr/);
  page.assertClean();
});

/** The manage link in the newest mail to `email` whose subject matches `subject`. */
async function manageLink(page, email, subject) {
  const mail = (await mailsTo(page, email)).find((m) => subject.test(m.subject));
  assert.ok(mail, `a mail "${subject}" to ${email}`);
  await page.goto(`${BASE}${mail.href}`);
  return page.locator('pre.mail a[href*="/manage?token="]').first().getAttribute("href");
}


test("the appointment's page has a skip link and a switch to English that keeps it working", async () => {
  const { starts } = await dayWithFreeTimes(1);
  const patron = { ...PATRON, email: "switching@example.org" };
  await bookViaApi(starts[0], patron);
  const page = await open(browser);
  const link = await manageLink(page, patron.email, /κλείστηκε/);
  await page.goto(link);
  await page.locator("h1").waitFor();
  // The first Tab stop skips to the content.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.className), "skip");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Μετάβαση στο περιεχόμενο");
  await page.keyboard.press("Enter");
  assert.ok(page.url().endsWith("#main"));
  // English, the calendar to move it included; Greek again from there.
  await page.locator("#lang-switch").click();
  await page.locator("html[lang=en]").waitFor();
  assert.match(await page.locator("h1").innerText(), /Your appointment/);
  await page.locator("#move button.day").first().waitFor();
  assert.doesNotMatch(await page.locator("main").innerText(), /Ακύρωση ραντεβού/);
  await audit(page, "the appointment's page in English");
  assert.equal(await page.locator("#lang-switch").innerText(), "Ελληνικά");
  assert.equal(await page.locator('a[href="/?lang=en"]').count(), 1, "book again, on this origin");
  page.assertClean();
});

test("at the library's limit the refusal leads to 'send me my links', which mails them", async () => {
  const { starts } = await dayWithFreeTimes(3);
  const patron = { ...PATRON, email: "limit@example.org" };
  await bookViaApi(starts[0], patron);
  await bookViaApi(starts[1], patron);
  const page = await open(browser);
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  // Step 1 names the appointment's link for what it does.
  assert.match(await page.locator("ol.how").innerText(), /για αλλαγή ώρας ή ακύρωση/);
  assert.doesNotMatch(await page.locator("main").innerText(), /σύνδεσμο ακύρωσης/);
  await nextButton(page).click();
  await expectStep(page, 2);
  await chooseFirstSlot(page);
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page, patron);
  await nextButton(page).click();
  await expectStep(page, 4);
  await page.locator("#confirm").click();
  // Refused (two upcoming already): the way to the links is next to the message.
  await page.locator("#to-links-again").waitFor();
  await audit(page, "the refusal at the limit");
  await page.locator("#to-links-again").click();
  await page.locator("#step-heading .step-of", { hasText: /Βήμα 1 / }).waitFor();
  assert.equal(await page.locator("#links-again").getAttribute("open"), "", "the form is open");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "a-email");
  assert.equal(await page.locator("#a-email").inputValue(), patron.email, "the address typed");
  await audit(page, "step 1 with 'send me my links' open");
  await page.locator("#again-button").click();
  await page.locator("#again-done").waitFor();
  assert.match(await page.locator("#again-done").innerText(), /limit@example\.org/);
  // The mail lists both appointments with their links.
  let mail;
  for (let i = 0; i < 50 && !mail; i += 1) {
    mail = (await mailsTo(page, patron.email)).find((m) => /επερχόμενα ραντεβού/i.test(m.subject));
    if (!mail) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(mail, "the links mail");
  await page.goto(`${BASE}${mail.href}`);
  assert.equal(await page.locator('pre.mail a[href*="/manage?token="]').count(), 2);
  page.assertClean([/status of 422/]); // the refused booking, on purpose
});

test("the staff console names each state of an appointment for what it is", async () => {
  const page = await open(browser);
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  // The one rule the agenda and the appointment's page both use, run in the page at chosen
  // moments (the console takes "now" from the server's answer).
  const states = await page.evaluate(async () => {
    const { statusText } = await import("/staff/js/ui.js");
    const a = (over) => ({ status: "booked", start: "2026-12-01T08:00:00Z", end: "2026-12-01T08:20:00Z", attendance: null, ...over });
    const at = (iso) => new Date(iso);
    return {
      upcoming: statusText(a(), at("2026-12-01T07:00:00Z")),
      on: statusText(a(), at("2026-12-01T08:05:00Z")),
      unrecorded: statusText(a(), at("2026-12-01T09:00:00Z")),
      attended: statusText(a({ attendance: { attended: true } }), at("2026-12-01T09:00:00Z")),
      missed: statusText(a({ attendance: { attended: false } }), at("2026-12-01T09:00:00Z")),
      cancelled: statusText(a({ status: "cancelled" }), at("2026-12-01T09:00:00Z")),
      held: statusText(a({ status: "held" }), at("2026-12-01T07:00:00Z")),
    };
  });
  assert.deepEqual(states, {
    upcoming: "Κλεισμένο",
    on: "Σε εξέλιξη",
    unrecorded: "Ολοκληρώθηκε · παρουσία όχι καταγεγραμμένη",
    attended: "Ολοκληρώθηκε · παρών/ούσα",
    missed: "Ολοκληρώθηκε · δεν εμφανίστηκε",
    cancelled: "Ακυρώθηκε",
    held: "Αναμένει επιβεβαίωση",
  });
  page.assertClean();
});

test("every staff page reflows at 320 px (no sideways scrolling) and passes axe", async () => {
  const { date, starts } = await dayWithFreeTimes(1);
  const booked = await bookViaApi(starts[0], { ...PATRON, name: "Ιφιγένεια Παπαχριστοδούλου-Καραμανλή", email: "narrow-staff@example.org" });
  const page = await open(browser, { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  const { assertReflows } = await import("./lib.mjs");
  await page.locator("#agenda-date").fill(date);
  await page.getByRole("button", { name: /^(Εμφάνιση|Show)$/ }).click();
  await page.locator("table.agenda").first().waitFor();
  await assertReflows(page, "the agenda");
  for (const [hash, what] of [
    [`#appointment/${booked.id}`, "an appointment"],
    ["#closures", "the closed days"],
    ["#mail", "the failed mail"],
    ["#data", "export and data"],
  ]) {
    await page.goto(`${BASE}/staff/${hash}`);
    await page.locator("main h1").first().waitFor();
    await page.waitForLoadState("networkidle");
    await assertReflows(page, what);
    await audit(page, `${what} at 320 px`);
  }
  page.assertClean();
});

test("the console keeps the keyboard focus across its minute's refresh and after sending the link", async () => {
  const { date, starts } = await dayWithFreeTimes(1);
  const booked = await bookViaApi(starts[0], { ...PATRON, name: "Αγγελική Φωκά", email: "focus@example.org" });
  const page = await open(browser);
  // The page's timers under the test's hand: the minute's refresh is run, not waited for.
  await page.clock.install();
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  await page.locator("#agenda-date").fill(date);
  await page.getByRole("button", { name: /^(Εμφάνιση|Show)$/ }).click();
  const link = page.locator(`#agenda-results a[href="#appointment/${booked.id}"]`);
  await link.waitFor();
  await link.focus();
  await page.evaluate(() => (document.activeElement.dataset.old = "1"));
  const refreshed = page.waitForResponse((r) => r.url().includes("/api/staff/agenda"));
  await page.clock.runFor(61_000);
  await refreshed;
  // Drawn anew (a fresh element), with the focus put back on it.
  await page.waitForFunction(() => !document.querySelector("#agenda-results [data-old]"));
  const focusedHref = await page.evaluate(() => document.activeElement?.getAttribute("href"));
  assert.equal(focusedHref, `#appointment/${booked.id}`, "the same link has the focus after the refresh");
  // The appointment: the link sent with the keyboard, the focus stays on the button.
  await page.keyboard.press("Enter");
  await page.locator("#meeting-url").waitFor();
  await page.locator("#meeting-url").fill("https://uom.zoom.us/j/777");
  await page.locator("#send-link").focus();
  await page.keyboard.press("Enter");
  await page.getByText("Ο σύνδεσμος στάλθηκε στον/στην ενδιαφερόμενο/η.").first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "send-link", "the focus is kept after the action");
  page.assertClean();
});

test("the Greek console says every refusal in Greek, next to its field, and a wrong key too", async () => {
  const page = await open(browser);
  // A wrong key: the sign-in page says so at the key's field, which takes the focus.
  await page.goto(`${BASE}/staff/#key=0123456789abcdef0123456789abcdef`);
  await page.locator("#staff-key-error").waitFor();
  assert.match(await page.locator("#staff-key-error").innerText(), /Το κλειδί δεν έγινε δεκτό/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "staff-key");
  assert.equal(await page.locator("#staff-key").getAttribute("aria-invalid"), "true");
  await audit(page, "the sign-in page after a wrong key");

  // Hours the wrong way round: said at the end time, in Greek, not "to_time: must be after".
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  await page.goto(`${BASE}/staff/#closures`);
  await page.locator("#closure-name").waitFor();
  const { date } = await dayWithFreeTimes(1);
  await page.locator("#closure-name").fill("Σεμινάριο");
  await page.locator("#closure-from").fill(date);
  await page.locator("#closure-from-time").fill("15:00");
  await page.locator("#closure-to-time").fill("13:00");
  await page.locator("#closure-to-time").press("Enter");
  const line = page.locator("#closure-to-time-error");
  await line.waitFor();
  assert.equal(await line.innerText(), "Η ώρα λήξης πρέπει να είναι μετά την ώρα έναρξης.");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "closure-to-time", "the field takes the focus");
  assert.match(await page.locator("#closure-to-time").getAttribute("aria-describedby"), /closure-to-time-error/);
  assert.doesNotMatch(await page.locator("main").innerText(), /to_time|must be after/);
  await audit(page, "a refused closure");
  // Put right, the error goes.
  await page.locator("#closure-to-time").fill("17:00");
  await page.locator("#closure-to-time").press("Enter");
  await page.getByText("Η περίοδος έκλεισε").first().waitFor();
  assert.equal(await page.locator("#closure-to-time-error").count(), 0);
  // A mail given up after its retries, as the console words it.
  const words = await page.evaluate(async () => {
    const { t } = await import("/staff/js/texts.js");
    return t().mailFailure("still failing after 10 attempts", "retries", 10);
  });
  assert.match(words, /απέτυχε 10 φορές/);
  assert.doesNotMatch(words, /still failing/);
  page.assertClean([/status of 401/, /status of 422/]);
});

test("the done page adds the appointment to Google, Outlook or any calendar (.ics)", async () => {
  const { icsFile, icsText } = await import("../../site/js/add-to-calendar.js");
  assert.equal(icsText("a, b; c\\d\nnext"), "a\\, b\\; c\\\\d\\nnext");
  const long = icsFile({ uid: "x@rantevou", start: "2026-12-01T08:00:00Z", end: "2026-12-01T08:20:00Z", title: "Τ".repeat(60), description: "", url: null });
  assert.ok(long.split("\r\n").every((line) => new TextEncoder().encode(line).length <= 75), "folded at 75 octets");

  const page = await open(browser);
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  await nextButton(page).click();
  await expectStep(page, 2);
  const start = await chooseFirstSlot(page);
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page, { ...PATRON, name: "Σοφία Δήμου", email: "calendar@example.org", notes: "Zotero, βιβλιογραφία; παραπομπές" });
  await nextButton(page).click();
  await expectStep(page, 4);
  await page.locator("#confirm").click();
  await page.locator("#cal-ics").waitFor();
  await audit(page, "the done page with its calendar links");
  const google = new URL(await page.locator("#cal-google").getAttribute("href"));
  assert.equal(google.host, "calendar.google.com");
  const stamp = (iso) => new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  assert.equal(google.searchParams.get("dates").split("/")[0], stamp(start));
  const outlook = new URL(await page.locator("#cal-outlook").getAttribute("href"));
  assert.equal(new Date(outlook.searchParams.get("startdt")).toISOString(), new Date(start).toISOString());
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#cal-ics").click()]);
  assert.equal(download.suggestedFilename(), "rantevou.ics");
  const { readFile } = await import("node:fs/promises");
  const ics = (await readFile(await download.path(), "utf8")).replace(/\r\n /g, "");
  const manage = await page.locator("#manage").getAttribute("href");
  const id = new URL(manage).pathname.split("/")[3];
  for (const line of [`UID:${id}@rantevou`, `DTSTART:${stamp(start)}`, "METHOD:PUBLISH", "BEGIN:VALARM", `URL:${manage}`, "Zotero\\, βιβλιογραφία\\; παραπομπές"]) {
    assert.ok(ics.includes(line), `${line} in\n${ics}`);
  }
  page.assertClean();
});

test("closing booked hours cancels them all with one mail each, audited; the same closure is refused; holidays listed in words", async () => {
  const { date, starts } = await dayWithFreeTimes(3);
  const athens = (iso, plus = 0) =>
    new Date(new Date(iso).getTime() + plus).toLocaleTimeString("en-GB", { timeZone: "Europe/Athens", hour: "2-digit", minute: "2-digit" });
  const first = await bookViaApi(starts[0], { ...PATRON, name: "Ρένα Πρώτη", email: "rena@example.org" });
  const second = await bookViaApi(starts[1], { ...PATRON, name: "Στέλιος Δεύτερος", email: "stelios@example.org" });
  const page = await open(browser);
  await page.goto(STAFF);
  await page.getByRole("heading", { level: 1, name: "Πρόγραμμα ραντεβού" }).waitFor();
  await page.goto(`${BASE}/staff/#closures`);
  await page.getByRole("heading", { level: 1, name: "Κλειστές ημέρες και ώρες" }).waitFor();
  // The configuration's closures are listed too, named in Greek, with dates in words.
  const configured = page.getByRole("table", { name: "Αργίες και κλειστές ημέρες των ρυθμίσεων" });
  await configured.waitFor();
  const listed = await configured.innerText();
  assert.match(listed, /Χριστούγεννα/);
  assert.match(listed, /Επίσημη αργία/);
  assert.doesNotMatch(await page.locator("main").innerText(), /\d{4}-\d{2}-\d{2}/, "no ISO dates on the page");

  await page.locator("#closure-name").fill("Απεργία");
  await page.locator("#closure-from").fill(date);
  await page.locator("#closure-from-time").fill(athens(starts[0]));
  await page.locator("#closure-to-time").fill(athens(starts[1], 20 * 60_000));
  await page.getByRole("button", { name: "Κλείσιμο", exact: true }).click();
  const warning = page.getByRole("alert").filter({ hasText: "Προσοχή: 2 ραντεβού" });
  await warning.waitFor();
  assert.match(await warning.innerText(), /Ρένα Πρώτη[\s\S]*Στέλιος Δεύτερος/);
  const reason = page.getByLabel("Αιτία ακύρωσης (θα σταλεί σε κάθε ενδιαφερόμενο/η)");
  assert.equal(await reason.inputValue(), "Η Βιβλιοθήκη είναι κλειστή εκείνη την ώρα (Απεργία).", "filled in, to be changed");
  await reason.fill("Η Βιβλιοθήκη μένει κλειστή λόγω απεργίας. Συγγνώμη!");
  await audit(page, "closures offering to cancel what is there");
  await page.getByRole("button", { name: "Κλείσιμο και ακύρωση των 2 ραντεβού" }).click();
  await page.locator("#main").getByText("Ακυρώθηκαν 2 ραντεβού και στάλθηκε email σε καθέναν/μία.").waitFor();
  const added = page.locator("table.agenda").first();
  assert.match(await added.innerText(), /Απεργία/);
  assert.doesNotMatch(await added.innerText(), /\d{4}-\d{2}-\d{2}/);

  // The same closure again is refused next to its first date, before anything is stored.
  await page.locator("#closure-name").fill("Απεργία ξανά");
  await page.locator("#closure-from").fill(date);
  await page.locator("#closure-from-time").fill(athens(starts[0]));
  await page.locator("#closure-to-time").fill(athens(starts[1], 20 * 60_000));
  await page.getByRole("button", { name: "Κλείσιμο", exact: true }).click();
  await page.locator("#closure-from-error").filter({ hasText: "ήδη κλειστές" }).waitFor();
  const headers = { Authorization: `Bearer ${new URL(STAFF).hash.split("=")[1]}` };
  const closures = await (await fetch(`${BASE}/api/staff/closures`, { headers })).json();
  const ours = closures.closures.filter((c) => c.from === date && c.name.startsWith("Απεργία"));
  assert.equal(ours.length, 1, "stored once");

  // Each patron got one mail, the library's cancellation with the reason; each cancel audited.
  for (const [who, booked] of [["rena@example.org", first], ["stelios@example.org", second]]) {
    const mails = await mailsTo(page, who);
    const cancels = mails.filter((m) => /ακύρωσε/.test(m.subject));
    assert.equal(cancels.length, 1, `${who}: ${JSON.stringify(mails)}`);
    await page.goto(new URL(cancels[0].href, `${BASE}/outbox/`).href);
    assert.match(await page.locator("body").innerText(), /λόγω απεργίας\. Συγγνώμη!/);
    const seen = await (await fetch(`${BASE}/api/staff/appointments/${booked.id}`, { headers })).json();
    assert.equal(seen.status, "cancelled");
    assert.ok(seen.audit.some((e) => e.action === "cancel" && /λόγω απεργίας/.test(e.detail)), JSON.stringify(seen.audit));
  }
  assert.ok((await freeStarts(date)).length > 0, "the rest of the day is still offered");
  await fetch(`${BASE}/api/staff/closures/${ours[0].id}`, { method: "DELETE", headers });
  page.assertClean([/status of 422/]); // the closure added twice, refused on purpose
});

test("on a phone the pages keep still when the library's name and the console's menu arrive late", async () => {
  // The catalogue (the library's name) and the staff's sign-in answer held back 800 ms, so
  // they always come after the first paint, as on a slow network; the layout shifts of the
  // load are summed as Lighthouse's CLS is (one window: the load is short).
  for (const width of [412, 360, 320]) {
    for (const [name, url] of [["the booking page", `${BASE}/`], ["the staff console", STAFF]]) {
      const page = await open(browser, { viewport: { width, height: 823 }, isMobile: true, hasTouch: true });
      await page.route(/\/api\/(services|staff\/me)$/, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 800));
        await route.continue();
      });
      await page.addInitScript(() => {
        window.__shifts = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (!e.hadRecentInput) window.__shifts.push({ value: e.value, nodes: e.sources.map((s) => s.node?.nodeName + (s.node?.id ? `#${s.node.id}` : "")) });
          }
        }).observe({ type: "layout-shift", buffered: true });
      });
      await page.goto(url);
      await page.locator("h1").first().waitFor();
      await page.waitForFunction(() => !/myLIBRARYlive$/.test(document.getElementById("library-name").textContent));
      await page.waitForTimeout(500);
      const shifts = await page.evaluate(() => window.__shifts);
      const cls = shifts.reduce((sum, s) => sum + s.value, 0);
      assert.ok(cls < 0.1, `${name} at ${width} px: CLS ${cls.toFixed(3)} ${JSON.stringify(shifts)}`);
      page.assertClean();
      await page.context().close();
    }
  }
});
