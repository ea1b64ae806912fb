// The success page: the confirmation is on its way, the video-call link follows separately. Or,
// when the library holds bookings until confirmed, the request to confirm is on its way.

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
    nav(h("button", { type: "button", class: "secondary", onclick: () => restart({ push: true }) }, text.bookAnother)),
  );
}
