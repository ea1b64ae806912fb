// Step 3's questions (infra/library.toml asks status and school, both required, and what was
// tried, optional), in both languages: errors named per question and linked from the summary,
// answered with the keyboard alone, axe clean, the answers in the summary, sent, and stored
// with the appointment; a question the server refuses comes back next to its question.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PATRON, audit, chooseFirstSlot, expectStep, launch, mailsTo, nextButton, open } from "./lib.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function tabTo(page, selector) {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

async function toStep3(page, lang) {
  await page.goto(`${BASE}/?lang=${lang}`);
  await page.locator(`html[lang=${lang}] #step-heading`).waitFor();
  await nextButton(page).click();
  await expectStep(page, 2);
  await chooseFirstSlot(page);
  await nextButton(page).click();
  await expectStep(page, 3);
}

for (const [lang, words] of [
  ["el", { status: "Ιδιότητα", school: "Σχολή", tried: "Τι έχετε ήδη δοκιμάσει;", required: /Απαντήστε σε αυτή την ερώτηση/, phd: "Υποψήφιος/α διδάκτορας", none: "Καμία (εκτός Πανεπιστημίου)", confirm: "Επιβεβαίωση", done: /Το ραντεβού σας κλείστηκε/ }],
  ["en", { status: "You are", school: "School", tried: "What have you already tried?", required: /Please answer this question/, phd: "PhD candidate", none: "None (not of the University)", confirm: "Confirm", done: /Your appointment is booked/ }],
]) {
  test(`the questions in ${lang}: named errors, the keyboard alone, the answers booked`, async () => {
    const page = await open(browser);
    await toStep3(page, lang);

    // Each question is a group with its legend (or a label), its options labelled.
    assert.equal(await page.locator("fieldset#q-status legend").innerText(), `${words.status} *`);
    assert.equal(await page.locator("fieldset#q-school legend").innerText(), `${words.school} *`);
    assert.equal(await page.getByRole("radiogroup").count(), 0, "native radios: no custom roles");
    assert.equal(await page.getByRole("radio", { name: words.phd }).count(), 1);
    assert.equal(await page.getByLabel(words.tried).count(), 1);
    const described = await page.locator("fieldset#q-school").getAttribute("aria-describedby");
    assert.equal(described, "q-school-hint", "the school's help is read with it");

    // An empty submit names both required questions, next to them and in the summary.
    await nextButton(page).click();
    await page.locator("#error-summary").waitFor();
    assert.match(await page.locator("#q-status-error").innerText(), words.required);
    assert.match(await page.locator("#q-school-error").innerText(), words.required);
    assert.equal(await page.locator("#q-status-0").getAttribute("aria-invalid"), "true");
    assert.match(await page.locator("fieldset#q-status").getAttribute("aria-describedby"), /q-status-error/);
    assert.equal(await page.locator("#q-tried-error").count(), 0, "the optional one is not at fault");
    await audit(page, `step 3 with the questions' errors (${lang})`);
    // The summary's link leads to the question's first choice.
    await page.locator("#error-summary a", { hasText: words.required }).nth(1).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), "q-school-0");

    // The keyboard alone: type the details, pick with Space and the arrows, type the text.
    for (const [id, value] of [["#f-name", PATRON.name], ["#f-email", `${lang}.questions@example.org`], ["#f-phone", PATRON.phone], ["#f-notes", PATRON.notes]]) {
      await tabTo(page, id);
      await page.keyboard.type(value);
    }
    await tabTo(page, "#q-status-0");
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.locator('input[name="q-status"][value="phd"]').isChecked(), true);
    await tabTo(page, '#q-school-0');
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowUp");
    assert.equal(await page.locator('input[name="q-school"][value="none"]').isChecked(), true, "up from the first wraps to the last");
    await tabTo(page, "#q-tried");
    await page.keyboard.type("Scopus, Google Scholar");
    for (const id of ["#f-terms", "#f-privacy"]) {
      await tabTo(page, id);
      await page.keyboard.press("Space");
    }
    await audit(page, `step 3 answered (${lang})`);
    await tabTo(page, "button.primary");
    await page.keyboard.press("Enter");
    await expectStep(page, 4);

    // The summary repeats the answers in words.
    const summary = await page.locator("table.details").last().innerText();
    assert.match(summary, new RegExp(`${words.status}\\s+${words.phd.replace("/", "\\/")}`));
    assert.match(summary, new RegExp(`${words.school}\\s+${words.none.replace(/[()]/g, "\\$&")}`));
    assert.match(summary, /Scopus, Google Scholar/);
    await audit(page, `step 4 with the answers (${lang})`);

    // Booked with them: the provider's copy says them.
    await page.getByRole("button", { name: words.confirm, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: words.done }).waitFor();
    const copies = await mailsTo(page, "sip@lib.uom.gr");
    assert.ok(copies.length > 0, "the provider's copy went");
    await page.goto(new URL(copies[0].href, BASE).href);
    const copy = await page.locator("body").innerText();
    assert.match(copy, /Ιδιότητα: Υποψήφιος\/α διδάκτορας/);
    assert.match(copy, /Σχολή: Καμία \(εκτός Πανεπιστημίου\)/);
    assert.match(copy, /Τι έχετε ήδη δοκιμάσει;: Scopus, Google Scholar/);
    page.assertClean();
  });
}

test("an answer the server refuses comes back next to its question", async () => {
  const page = await open(browser);
  await toStep3(page, "en");
  // The page and the server disagree: the page's catalogue lost an option the server has.
  await page.route("**/api/appointments", async (route) => {
    const body = route.request().postDataJSON();
    body.answers.status = "professor";
    await route.continue({ postData: JSON.stringify(body) });
  });
  await page.locator("#f-name").fill(PATRON.name);
  await page.locator("#f-email").fill("refused.answer@example.org");
  await page.locator("#f-phone").fill(PATRON.phone);
  await page.locator("#f-notes").fill(PATRON.notes);
  await page.locator('input[name="q-status"][value="ug"]').check();
  await page.locator('input[name="q-school"][value="information-sciences"]').check();
  await page.locator("#f-terms").check();
  await page.locator("#f-privacy").check();
  await nextButton(page).click();
  await expectStep(page, 4);
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  // Back at step 3, the focus on the list of mistakes (not the heading).
  await page.locator("#q-status-error").waitFor();
  assert.match(await page.locator("#step-heading").innerText(), /Step 3 of 4/);
  assert.match(await page.locator("#q-status-error").innerText(), /does not fit the question/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "error-summary");
  await audit(page, "step 3 with the server's refusal");
});
