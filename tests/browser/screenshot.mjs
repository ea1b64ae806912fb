// The README's picture of the booking page: step 2, next month, a day and a time chosen.
//   node tests/browser/screenshot.mjs http://127.0.0.1:8080 docs/booking.png
import { launch, nextButton, chooseFirstSlot } from "./lib.mjs";

const [base = "http://127.0.0.1:8080", out = "docs/booking.png"] = process.argv.slice(2);
const browser = await launch();
const page = await (await browser.newContext({ locale: "el-GR", timezoneId: "Europe/Athens", viewport: { width: 900, height: 1000 } })).newPage();
await page.goto(base);
await nextButton(page).click();
await page.locator("button.day.free").first().waitFor();
// The next month: a full one, whatever today's date.
await page.getByRole("button", { name: "Επόμενος μήνας" }).click();
await page.locator("button.day.free").first().waitFor();
await chooseFirstSlot(page);
await page.locator("#step-heading").focus();
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`wrote ${out}`);
