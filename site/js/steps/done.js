// The success page: the confirmation is on its way, the video-call link follows separately.

import { h, fill } from "../dom.js";
import { frame, nav, register, restart } from "../flow.js";
import { DONE, localized, main, providerName, service, state, t } from "../state.js";
import { detailsTable, whenText } from "./summary.js";

register(DONE, renderDone);

function renderDone() {
  const text = t();
  const result = state.result;
  const slot = { start: result.start, end: result.end };
  fill(
    main,
    frame(DONE, text.doneHeading),
    h("p", { class: "lead" }, text.doneMail(result.customer?.email || state.form.email.trim())),
    h("p", { class: "notice" }, text.doneLink),
    detailsTable([
      [text.service, localized(service()?.name)],
      [text.provider, providerName(result.provider)],
      [text.when, whenText(slot, text.locale)],
    ]),
    result.manage_url ? h("p", null, h("a", { href: result.manage_url, id: "manage" }, text.manageLink)) : null,
    nav(h("button", { type: "button", class: "secondary", onclick: () => restart({ push: true }) }, text.bookAnother)),
  );
}
