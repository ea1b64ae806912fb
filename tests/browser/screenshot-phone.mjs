// The README's picture of step 2 on a phone: 360 px wide, the browser in New York, so each time
// shows the patron's own beside the library's (with the date where it differs).
//   node tests/browser/screenshot-phone.mjs http://127.0.0.1:8080 docs/booking-phone.png
import { launch, nextButton, chooseFirstSlot } from "./lib.mjs";

const [base = "http://127.0.0.1:8080", out = "docs/booking-phone.png"] = process.argv.slice(2);
const browser = await launch();
const context = await browser.newContext({
  locale: "el-GR", timezoneId: "America/New_York", viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true,
});
const page = await context.newPage();
await page.goto(base);
await nextButton(page).click();
await page.locator("button.day.free").first().waitFor();
await chooseFirstSlot(page);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`wrote ${out}`);
