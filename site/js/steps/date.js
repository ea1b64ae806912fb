// Step 2: date and time — the calendar widget, the chosen day's times, and Next.

import { calendarParts, drawMonth } from "../calendar.js";
import { h, fill } from "../dom.js";
import { backButton, frame, nav, register, show } from "../flow.js";
import { main, state, t } from "../state.js";
import { waitlistSection } from "./waitlist.js";

register(2, renderDate);

function renderDate() {
  const text = t();
  const notice = state.notice
    ? h("div", { class: "notice", role: "alert", id: "notice" }, text[state.notice])
    : null;
  fill(
    main,
    frame(2, text.dateHeading),
    notice,
    h("p", { class: "hint", id: "policy" }, text.policyNote(state.catalog.policy.min_notice_minutes, state.catalog.policy.cancel_cutoff_minutes)),
    calendarParts(),
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
