// Step 4: the summary and Confirm (one Idempotency-Key per distinct booking, kept across
// retries), and what a refusal brings the patron back to.

import * as api from "../api.js";
import { browserZone } from "../dates.js";
import { h, fill } from "../dom.js";
import { backButton, frame, nav, register, show } from "../flow.js";
import * as pow from "../pow.js";
import { DONE, SLOT_FIELDS, forgetTimes, localized, main, providerName, service, state, t, whenText } from "../state.js";
import { checkNeeded, powStatus, setPowState } from "./pow-status.js";
import { answersToSend, answerText, questionsAsked } from "./questions.js";

register(4, renderSummary);

export function detailsTable(rows) {
  return h(
    "table",
    { class: "details" },
    h("tbody", null, rows.filter(([, value]) => value).map(([label, value]) => h("tr", null, h("th", { scope: "row" }, label), h("td", { class: "pre" }, value)))),
  );
}

function chosenProvider() {
  if (state.providerId !== "any") return providerName(state.providerId);
  const ids = state.slot?.providers || [];
  return ids.length === 1 ? providerName(ids[0]) : t().anyProvider;
}

function renderSummary() {
  const text = t();
  const f = state.form;
  fill(
    main,
    frame(4, text.summaryHeading),
    h("p", null, text.summaryIntro),
    h("h2", null, text.appointment),
    detailsTable([
      [text.service, localized(service()?.name)],
      [text.provider, chosenProvider()],
      [text.when, whenText(state.slot, text.locale)],
    ]),
    h("h2", null, text.you),
    detailsTable([
      [text.name, f.name.trim()],
      [text.email, f.email.trim()],
      [text.phone, f.phone.trim()],
      [text.notes, f.notes.trim()],
      ...questionsAsked().map((q) => [localized(q.label), answerText(q, f.answers[q.id])]),
    ]),
    powStatus(),
    h("div", { id: "confirm-error", class: "notice error", role: "alert" }, state.bookingError ? text[state.bookingError] : ""),
    nav(
      backButton(),
      h(
        "button",
        { type: "button", class: "primary", id: "confirm", "aria-disabled": state.booking ? "true" : null, onclick: confirm },
        state.booking ? text.confirming : text.confirm,
      ),
    ),
  );
}

async function confirm() {
  if (state.booking) return; // a second click while the first is on its way books nothing
  const f = state.form;
  const body = {
    service: state.serviceId,
    provider: state.providerId,
    start: state.slot.start,
    customer: { name: f.name, email: f.email, phone: f.phone.trim() ? f.phone : null },
    notes: f.notes,
    answers: answersToSend(f.answers),
    language: state.lang,
    accept_terms: f.accept_terms,
    accept_privacy: f.accept_privacy,
  };
  if (state.fromWaitlist) body.source = "waitlist";
  // The patron's own zone: the mails then add the time there, where it is not the library's.
  const zone = browserZone();
  if (zone) body.timezone = zone;
  // One key per distinct booking: a retry after a lost answer is recognised by the server
  // (the bot check's solution is not part of what makes a booking distinct).
  const fingerprint = JSON.stringify(body);
  if (state.keyFor !== fingerprint) {
    state.key = api.newKey();
    state.keyFor = fingerprint;
  }
  state.booking = true;
  state.bookingError = null;
  const button = document.getElementById("confirm");
  button.setAttribute("aria-disabled", "true");
  button.textContent = t().confirming;
  try {
    const appointment = await bookChecked(body);
    state.booking = false;
    state.result = appointment;
    show(DONE);
  } catch (e) {
    state.booking = false;
    bookingFailed(e);
  }
}

/** Books with the bot check's solution (when the library asks for one); a solution the
 * server refuses (expired, used) is replaced and the booking tried once more. */
async function bookChecked(body) {
  if (!checkNeeded()) return api.book(body, state.key);
  for (let attempt = 0; ; attempt += 1) {
    let challenge;
    try {
      challenge = await pow.prepare(setPowState);
    } catch {
      throw new CheckFailed();
    }
    pow.used();
    try {
      return await api.book({ ...body, challenge }, state.key);
    } catch (e) {
      const refused = e instanceof api.Problem && (e.body.errors || []).some((error) => error.field === "challenge");
      if (!refused || attempt > 0) throw e;
    }
  }
}

class CheckFailed extends Error {}

function bookingFailed(e) {
  if (e instanceof api.Problem && e.slug === "slot-taken") {
    sendBackToTimes("slotTaken");
    return;
  }
  if (e instanceof api.Problem && e.slug === "validation") {
    const errors = e.body.errors || [];
    if (errors.some((error) => SLOT_FIELDS.has(error.field))) {
      sendBackToTimes("tooLate");
      return;
    }
    state.errors = errors;
    show(3, { focus: false });
    document.getElementById("error-summary")?.focus();
    return;
  }
  state.bookingError =
    e instanceof CheckFailed
      ? "checkFailed"
      : e instanceof api.NetworkError
        ? "networkError"
        : e instanceof api.Problem && e.status === 429
          ? "tooMany"
          : "serverError";
  renderSummary();
  document.getElementById("confirm")?.focus();
}

/** Step 2 again, with a message and fresh times: the chosen one is gone. */
function sendBackToTimes(notice) {
  const day = state.day;
  forgetTimes();
  state.day = day;
  state.notice = notice;
  state.reached = 2;
  state.key = null;
  state.keyFor = null;
  show(2);
}
