// A phone 320 CSS pixels wide (WCAG 1.4.10 Reflow): every step, the success page and the
// cancel pages fit without sideways scrolling, and axe finds nothing at that size either.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, assertReflows, audit, chooseFirstSlot, expectStep, fillDetails, launch, nextButton, open } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("book and cancel on a 320 px screen", async () => {
  const page = await open(browser, { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
  await page.goto(BASE);
  await page.locator("#step-heading").waitFor();
  await assertReflows(page, "step 1");
  await nextButton(page).click();
  await expectStep(page, 2);
  await page.locator("button.day.free").first().waitFor();
  await chooseFirstSlot(page);
  await assertReflows(page, "step 2");
  await audit(page, "step 2 at 320 px");
  const size = await page.locator("button.day.free").first().boundingBox();
  assert.ok(size.height >= 44, `day buttons are at least 44 px tall for fingers (${size.height})`);
  await nextButton(page).click();
  await expectStep(page, 3);
  await fillDetails(page);
  await assertReflows(page, "step 3");
  await nextButton(page).click();
  await expectStep(page, 4);
  await assertReflows(page, "step 4");
  await audit(page, "step 4 at 320 px");
  await page.getByRole("button", { name: "Επιβεβαίωση" }).click();
  await page.locator("#manage").waitFor();
  await assertReflows(page, "the success page");

  // The link on the success page is the same cancel page the email links to.
  await page.locator("#manage").click();
  await page.locator("form.cancel-form").waitFor();
  await assertReflows(page, "the cancel page");
  await audit(page, "the cancel page at 320 px");
  await page.locator("#reason").fill("x".repeat(1001));
  await page.evaluate(() => document.getElementById("reason").removeAttribute("maxlength"));
  await page.locator("#reason").fill("x".repeat(1001));
  await page.locator("#confirm-cancel").check();
  await page.locator("form.cancel-form button[type=submit]").click();
  await page.locator("#reason-error").waitFor();
  await assertReflows(page, "the cancel page with an error");
  await audit(page, "the cancel page with an error");
  await page.locator("#reason").fill("");
  await page.locator("#confirm-cancel").check();
  await page.locator("form.cancel-form button[type=submit]").click();
  await page.locator("form.cancel-form").waitFor({ state: "detached" });
  await assertReflows(page, "the cancelled page");
  page.assertClean([/status of 422/]);
});
