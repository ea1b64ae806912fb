// Lighthouse on a phone (see lighthouse.mjs): the booking page, the signed-in staff console and
// an appointment's page (the link in every mail) do not move while they load (CLS under 0.1: the library's name and the console's navigation
// arrive after the first paint, into room kept for them), and score 100 for accessibility,
// best practices and SEO. The performance score is a timing: printed here, measured in
// BENCHMARKS.md, never asserted.

import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE, PATRON, STAFF, bookViaApi, dayWithFreeTimes } from "./lib.mjs";
import { audit } from "./lighthouse.mjs";

const appointmentPage = async () => {
  const { starts } = await dayWithFreeTimes(1);
  return (await bookViaApi(starts[0], PATRON)).manage_url;
};

// An appointment's page is behind a secret link and asks search engines not to index it
// (`noindex`), so SEO is not its measure.
const ALL = ["accessibility", "best-practices", "seo"];
for (const [name, url, categories] of [
  ["the booking page", () => `${BASE}/`, ALL],
  ["the staff console", () => STAFF, ALL],
  ["an appointment's page", appointmentPage, ["accessibility", "best-practices"]],
]) {
  test(`${name} keeps still as it loads and scores 100 for ${categories.join(", ")}`, async () => {
    const r = await audit(await url());
    console.log(`${name}: ${JSON.stringify(r.scores)} CLS ${r.cls.toFixed(3)} (performance not asserted: a timing)`);
    assert.ok(r.cls < 0.1, `CLS ${r.cls}: ${r.shifted.join(", ")}`);
    for (const category of categories) {
      assert.equal(r.scores[category], 100, `${category}: ${r.failing[category].join(", ")}`);
    }
  });
}
