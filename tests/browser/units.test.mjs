// The site's pure modules, without a browser: calendar arithmetic, the keys of the calendar,
// the form rules (the same as the server's), and both languages having every text.

import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import * as d from "../../site/js/dates.js";
import { emailAscii, validate } from "../../site/js/validate.js";
import el from "../../site/texts/el.js";
import en from "../../site/texts/en.js";

test("month grids start on Monday and hold every day once", () => {
  for (const month of ["2026-02", "2026-11", "2026-12", "2027-02", "2028-02"]) {
    const days = d.monthGrid(month).flat().filter(Boolean);
    assert.equal(days[0], `${month}-01`);
    assert.equal(days.at(-1), d.lastOfMonth(month));
    assert.equal(new Set(days).size, days.length);
    for (const week of d.monthGrid(month)) assert.equal(week.length, 7);
  }
  // 1 November 2026 is a Sunday: six empty cells before it.
  assert.deepEqual(d.monthGrid("2026-11")[0].slice(0, 7), [null, null, null, null, null, null, "2026-11-01"]);
  assert.equal(d.lastOfMonth("2028-02"), "2028-02-29");
  assert.equal(d.addMonths("2026-12", 1), "2027-01");
  assert.equal(d.addMonths("2027-01", -1), "2026-12");
});

test("calendar keys follow the WAI-ARIA date picker", () => {
  assert.equal(d.dateForKey("2026-11-30", "ArrowRight"), "2026-12-01");
  assert.equal(d.dateForKey("2026-12-01", "ArrowLeft"), "2026-11-30");
  assert.equal(d.dateForKey("2026-12-01", "ArrowDown"), "2026-12-08");
  assert.equal(d.dateForKey("2026-12-03", "Home"), "2026-11-30"); // Monday of that week
  assert.equal(d.dateForKey("2026-12-03", "End"), "2026-12-06"); // Sunday
  assert.equal(d.dateForKey("2027-01-31", "PageDown"), "2027-02-28");
  assert.equal(d.dateForKey("2027-03-31", "PageUp"), "2027-02-28");
  assert.equal(d.dateForKey("2026-12-15", "PageDown"), "2027-01-15");
  assert.equal(d.dateForKey("2026-12-15", "Tab"), null);
});

test("dates never shift with the browser's zone or daylight saving", () => {
  // 25 October 2026: Athens leaves summer time; 28 March 2027: it enters it.
  assert.equal(d.addDays("2026-10-24", 1), "2026-10-25");
  assert.equal(d.addDays("2026-10-25", 1), "2026-10-26");
  assert.equal(d.addDays("2027-03-28", 1), "2027-03-29");
  // 23:30 UTC on 30 November is already 1 December in Athens.
  assert.equal(d.todayIn("Europe/Athens", new Date("2026-11-30T23:30:00Z")), "2026-12-01");
  assert.equal(d.dateOf("2026-12-01T00:10:00+02:00", "Europe/Athens"), "2026-12-01");
  assert.equal(d.clockTime("2026-12-01T09:00:00+02:00", "el-GR", "Europe/Athens"), "09:00");
  assert.equal(d.clockTime("2026-12-01T09:00:00+02:00", "en-GB", "America/New_York"), "02:00");
  assert.deepEqual(d.rangeIn("2026-11", "2026-11-28", "2027-01-27"), { from: "2026-11-28", to: "2026-11-30" });
  assert.deepEqual(d.rangeIn("2027-01", "2026-11-28", "2027-01-27"), { from: "2027-01-01", to: "2027-01-27" });
  assert.equal(d.rangeIn("2027-02", "2026-11-28", "2027-01-27"), null);
});

test("long dates read naturally in both languages", () => {
  assert.equal(d.longDate("2026-12-01", "el-GR"), "Τρίτη 1 Δεκεμβρίου 2026");
  assert.match(d.longDate("2026-12-01", "en-GB"), /^Tuesday,? 1 December 2026$/);
  assert.match(d.monthName("2026-12", "el-GR"), /^Δεκέμβριος 2026$/);
});

// The limits the server serves (a Rust test keeps this file equal to them) and the email
// cases the server's parser passes (shared/domain's unit test runs the same file).
const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const LIMITS = read("../cases/limits.json");
const EMAILS = read("../cases/email.json");

const good = { name: "Κατερίνα", email: "k@example.org", phone: "+30 690 000 0000", notes: "άρθρα", accept_terms: true, accept_privacy: true };
const policy = (required) => ({ required_fields: ["name", "email", ...required], limits: LIMITS });
const codes = (form, required = ["phone", "notes"]) => validate(form, policy(required)).map((e) => `${e.field}:${e.code}`);

test("the email rule gives the server's answers on the shared cases", () => {
  for (const ok of EMAILS.valid) assert.notEqual(emailAscii(ok.trim(), LIMITS.email), null, `${JSON.stringify(ok)} should be accepted`);
  for (const bad of EMAILS.invalid) assert.deepEqual(codes({ ...good, email: bad }), ["customer.email:invalid"], JSON.stringify(bad));
  for (const long of EMAILS.too_long) assert.deepEqual(codes({ ...good, email: long }), ["customer.email:too_long"]);
  // Look-alike domains are the server's to refuse (with their own message): the form lets them by.
  for (const lookalike of EMAILS.mixed_script) assert.deepEqual(codes({ ...good, email: lookalike }), [], JSON.stringify(lookalike));
  // The cases the review found the old check let through.
  for (const bad of ["a..b@example.org", ".a@example.org", "user@-example.org"]) assert.ok(EMAILS.invalid.includes(bad));
  assert.equal(emailAscii("K.Papa@Παράδειγμα.Δοκιμή", LIMITS.email), "K.Papa@xn--hxajbheg2az3al.xn--jxalpdlp");
});

test("the form rules match the server's", () => {
  assert.deepEqual(codes(good), []);
  assert.deepEqual(codes({ ...good, name: "  " }), ["customer.name:required"]);
  assert.deepEqual(codes({ ...good, name: "a".repeat(101) }), ["customer.name:too_long"]);
  assert.deepEqual(codes({ ...good, name: "a\u202eb" }), ["customer.name:invalid"]);
  for (const invisible of ["Eve\u200e", "Eve\u200f", "Eve\u061c", "E\u200bve", "\ufeffEve", "Eve\u{e0041}"]) {
    assert.deepEqual(codes({ ...good, name: invisible }), ["customer.name:invalid"], JSON.stringify(invisible));
  }
  assert.deepEqual(codes({ ...good, notes: "θέμα: 👩\u200d💻 Scopus" }), [], "free text keeps joiners");
  assert.deepEqual(codes({ ...good, email: "k@localhost" }), ["customer.email:invalid"]);
  assert.deepEqual(codes({ ...good, email: "k @example.org" }), ["customer.email:invalid"]);
  assert.deepEqual(codes({ ...good, phone: "" }), ["customer.phone:required"]);
  assert.deepEqual(codes({ ...good, phone: "" }, ["notes"]), [], "phone optional when the library says so");
  assert.deepEqual(codes({ ...good, phone: "123456" }), ["customer.phone:invalid"]);
  assert.deepEqual(codes({ ...good, phone: "2310-891 000" }), []);
  assert.deepEqual(codes({ ...good, phone: "69+00000000" }), ["customer.phone:invalid"]);
  assert.deepEqual(codes({ ...good, notes: "" }), ["notes:required"]);
  assert.deepEqual(codes({ ...good, notes: "α".repeat(1000) }), []);
  assert.deepEqual(codes({ ...good, notes: "α".repeat(1001) }), ["notes:too_long"]);
  assert.deepEqual(codes({ ...good, notes: "line one\r\nline two\ttab" }), []);
  assert.deepEqual(codes({ ...good, accept_terms: false, accept_privacy: false }), ["accept_terms:must_accept", "accept_privacy:must_accept"]);
});

test("Greek and English have the same texts", () => {
  const shape = (o) => Object.entries(o).map(([k, v]) => (v && typeof v === "object" && !Array.isArray(v) ? `${k}{${shape(v)}}` : `${k}:${typeof v}`)).sort().join(",");
  assert.equal(shape(el), shape(en));
  assert.equal(el.stepNames.length, 4);
  assert.equal(el.howItWorksItems.length, en.howItWorksItems.length);
  for (const field of Object.keys(el.errors)) {
    assert.deepEqual(Object.keys(el.errors[field]).sort(), Object.keys(en.errors[field]).sort(), field);
  }
});

test("a mailto: carries one address and nothing else", async () => {
  const { mailto } = await import("../../site/staff/js/mailto.js");
  assert.equal(mailto("k.papa@example.org"), "mailto:k.papa@example.org");
  // An address an old rule let in: its ?bcc= stays part of the address, never a header.
  const link = mailto("a?bcc=spy%40evil.example@example.org");
  assert.equal(link, "mailto:a%3Fbcc%3Dspy%2540evil.example@example.org");
  assert.equal(new URL(link).search, "", "no query a mail client would read as headers");
  assert.equal(mailto("x@παράδειγμα.gr"), "mailto:x@%CF%80%CE%B1%CF%81%CE%AC%CE%B4%CE%B5%CE%B9%CE%B3%CE%BC%CE%B1.gr");
});
