// Another site cannot frame the booking page (clickjacking): `rantevou serve` sends
// X-Frame-Options DENY and a CSP with frame-ancestors 'none', which a <meta> cannot carry.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, launch, open } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the booking page refuses to load inside another page's frame", async () => {
  const page = await open(browser);
  await page.setContent(`<!doctype html><title>elsewhere</title><iframe id="f" src="${BASE}/" width="800" height="600"></iframe>`);
  await page.waitForTimeout(1500);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  assert.ok(frame, "the frame exists");
  let rendered = 0;
  try {
    rendered = await frame.locator("#step-heading").count();
  } catch {
    rendered = 0;
  }
  assert.equal(rendered, 0, "the booking site did not render in the frame");
  assert.ok(!frame.url().startsWith(BASE) || rendered === 0);
  page.assertClean([/Refused to (display|frame)/, /frame-ancestors/, /X-Frame-Options/i]);
});
