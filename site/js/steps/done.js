// The success page: the confirmation is on its way, the video-call link follows separately. Or,
// when the library holds bookings until confirmed, the request to confirm is on its way.

import { googleUrl, icsFile, outlookUrl } from "../add-to-calendar.js";
import { h, fill } from "../dom.js";
import * as d from "../dates.js";
import { frame, nav, register, restart } from "../flow.js";
import { DONE, localized, main, providerName, service, state, t } from "../state.js";
import { detailsTable } from "./summary.js";
import { whenText } from "../state.js";

register(DONE, renderDone);

function renderDone() {
  const text = t();
  const result = state.result;
  const slot = { start: result.start, end: result.end };
  const email = result.customer?.email || state.form.email.trim();
  const held = result.status === "held";
  const until = held ? d.clockTime(result.hold_expires_at, text.locale, state.catalog.library.timezone) : "";
  fill(
    main,
    frame(DONE, held ? text.heldHeading : text.doneHeading),
    h("p", { class: "lead" }, held ? text.heldMail(email, until) : text.doneMail(email)),
    h("p", { class: "notice" }, held ? text.heldLapse : text.doneLink),
    detailsTable([
      [text.service, localized(service()?.name)],
      [text.provider, providerName(result.provider)],
      [text.when, whenText(slot, text.locale)],
    ]),
    result.manage_url ? h("p", null, h("a", { href: result.manage_url, id: "manage" }, text.manageLink)) : null,
    held ? null : addToCalendar(result),
    nav(h("button", { type: "button", class: "secondary", onclick: () => restart({ push: true }) }, text.bookAnother)),
  );
}

/** Google, Outlook and an `.ics` download of the booked appointment (not of a hold: nothing is
 * booked until it is confirmed). */
function addToCalendar(result) {
  const text = t();
  const title = `${localized(service()?.name)} – ${providerName(result.provider)}`;
  const description = [state.form.notes.trim(), result.manage_url ? `${text.manageLink}: ${result.manage_url}` : ""]
    .filter(Boolean)
    .join("\n\n");
  const event = { uid: `${result.id}@rantevou`, start: result.start, end: result.end, title, description, url: result.manage_url };
  const file = URL.createObjectURL(new Blob([icsFile(event)], { type: "text/calendar;charset=utf-8" }));
  const link = (href, label, id, extra = {}) => h("li", null, h("a", { href, id, class: "calendar-link", ...extra }, label));
  return h(
    "section",
    { class: "add-to-calendar", "aria-labelledby": "calendar-h" },
    h("h2", { id: "calendar-h" }, text.addToCalendar),
    h(
      "ul",
      { class: "calendar-links" },
      link(googleUrl(event), "Google Calendar", "cal-google", { target: "_blank", rel: "noopener noreferrer" }),
      link(outlookUrl(event), "Outlook", "cal-outlook", { target: "_blank", rel: "noopener noreferrer" }),
      link(file, text.icsDownload, "cal-ics", { download: "rantevou.ics", type: "text/calendar" }),
    ),
  );
}
