// The README's picture of an appointment's page (the link in every mail): the details, the
// calendar to change the time with a new time chosen, and the cancel form.
//   BASE_URL=http://127.0.0.1:8080 node tests/browser/screenshot-manage.mjs docs/manage.png
import { bookViaApi, dayWithFreeTimes, launch, PATRON } from "./lib.mjs";

const [out = "docs/manage.png"] = process.argv.slice(2);
const { date, starts } = await dayWithFreeTimes(3);
const booked = await bookViaApi(starts[0], PATRON);
const browser = await launch();
const page = await (await browser.newContext({ locale: "el-GR", timezoneId: "Europe/Athens", viewport: { width: 900, height: 900 } })).newPage();
await page.goto(booked.manage_url);
await page.locator(`#move button.day[data-date="${date}"]`).click();
await page.locator(`#move button.slot[data-start="${starts[2]}"]`).click();
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`wrote ${out}`);
