// Step 2: date and time — the calendar widget, the chosen day's times, and Next.

import { drawMonth } from "../calendar.js";
import { h, fill } from "../dom.js";
import * as d from "../dates.js";
import { backButton, frame, nav, register, show } from "../flow.js";
import { main, state, t } from "../state.js";
import { waitlistSection } from "./waitlist.js";

register(2, renderDate);

function renderDate() {
  const text = t();
  const zone = state.catalog.library.timezone;
  const mine = d.browserZone();
  const notice = state.notice
    ? h("div", { class: "notice", role: "alert", id: "notice" }, text[state.notice])
    : null;
  fill(
    main,
    frame(2, text.dateHeading),
    notice,
    h("p", null, text.libraryTime(zone), mine && mine !== zone ? ` ${text.zoneDiffers(mine)}` : ""),
    h("p", { class: "hint", id: "policy" }, text.policyNote(state.catalog.policy.min_notice_minutes, state.catalog.policy.cancel_cutoff_minutes)),
    h("div", { id: "calendar", class: "calendar" }),
    h("p", { id: "calendar-help", class: "hint" }, text.calendarHelp),
    h("div", { id: "times" }),
    h("p", { id: "date-error", class: "field-error", role: "alert", hidden: true }),
    nav(backButton(), h("button", { type: "button", class: "primary", onclick: dateNext }, text.next)),
    waitlistSection(),
  );
  drawMonth(null, { advance: !state.day });
}

function dateNext() {
  if (!state.slot) {
    const error = document.getElementById("date-error");
    error.textContent = t().chooseTime;
    error.hidden = false;
    return;
  }
  state.notice = null;
  show(3);
}
