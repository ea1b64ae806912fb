// The manage page's "Change the time" (the page itself is served by the API with the
// appointment's details and the cancel form). The booking site's own calendar (calendar.js:
// the same widget, keyboard and screen-reader behaviour) offers the free times of the
// appointment's service and provider; "Move" asks the API to move it in one write. A time
// taken meanwhile keeps the old one and redraws the calendar; a changed appointment asks for
// a reload.

import * as api from "./api.js";
import * as pow from "./pow.js";
import { calendarParts, drawMonth } from "./calendar.js";
import * as d from "./dates.js";
import { h, fill } from "./dom.js";
import { MOVE, TEXTS, announce, forgetTimes, state, t, whenText } from "./state.js";

const box = document.getElementById("move");
if (box) boot();

async function boot() {
  const { id, token, version, service, provider, start, lang } = box.dataset;
  if (lang in TEXTS) state.lang = lang;
  state.move = { id, token, version: Number(version), start };
  fill(box, h("p", { class: "loading" }, t().loading));
  try {
    state.catalog = await api.services();
  } catch {
    fill(box, h("p", { role: "alert" }, t().loadFailed), h("button", { type: "button", onclick: boot }, t().retry));
    return;
  }
  const catalog = state.catalog;
  const zone = catalog.library.timezone;
  Object.assign(state, {
    serviceId: service,
    providerId: provider,
    today: d.todayIn(zone),
    step: MOVE,
  });
  state.lastDay = d.addDays(state.today, catalog.policy.horizon_days);
  state.month = d.monthOf(state.today);
  render(null);
  // A move mails the patron: it carries the bot check, solved while a time is chosen.
  if (checkNeeded()) pow.prepare().catch(() => {});
}

const checkNeeded = () => (state.catalog?.policy?.proof_of_work_difficulty || 0) > 0;

/** Moves with the bot check's solution (when the library asks for one); a solution the
 * server refuses (expired, used) is replaced and the move tried once more. */
async function moveChecked(id, body) {
  if (!checkNeeded()) return api.reschedule(id, body);
  for (let attempt = 0; ; attempt += 1) {
    const challenge = await pow.prepare();
    pow.used();
    try {
      return await api.reschedule(id, { ...body, challenge });
    } catch (e) {
      const refused = e instanceof api.Problem && (e.body.errors || []).some((error) => error.field === "challenge");
      if (!refused || attempt > 0) throw e;
    }
  }
}

/** The calendar, the chosen day's times and the Move button; `notice` above them. */
function render(notice) {
  const text = t();
  fill(
    box,
    notice ? h("div", { class: "notice", role: "alert", id: "move-notice", tabindex: "-1" }, notice) : null,
    calendarParts(),
    h("div", { class: "nav" }, h("button", { type: "button", class: "primary", id: "move-button", onclick: move }, text.moveButton)),
  );
  drawMonth(null, { advance: !state.day });
}

async function move() {
  const text = t();
  if (!state.slot) {
    const error = document.getElementById("date-error");
    error.textContent = text.chooseTime;
    error.hidden = false;
    return;
  }
  const button = document.getElementById("move-button");
  button.disabled = true;
  button.textContent = text.moving;
  const { id, token, version } = state.move;
  try {
    const moved = await moveChecked(id, { token, start: state.slot.start, version });
    done(moved);
  } catch (e) {
    refused(e);
  }
}

/** The move went through: the details say the new time, and so does the section. */
function done(moved) {
  const text = t();
  const when = whenText(moved, text.locale);
  state.move.version = moved.version;
  const zone = state.catalog.library.timezone;
  const startCell = document.getElementById("d-start");
  const endCell = document.getElementById("d-end");
  if (startCell) startCell.textContent = when;
  if (endCell) endCell.textContent = d.clockTime(moved.end, text.locale, zone);
  // The new start already says the patron's own time where it differs.
  document.getElementById("d-own")?.closest("tr")?.remove();
  forgetTimes();
  const message = h("p", { class: "notice success", role: "status", tabindex: "-1", id: "move-done" }, text.moved(when));
  fill(box, message);
  message.focus();
  announce(text.moved(when));
}

/** What a refusal brings the patron back to: other times, a reload, or the reason. */
function refused(e) {
  const text = t();
  const slug = e instanceof api.Problem ? e.slug : null;
  const checkRefused = slug === "validation" && (e.body.errors || []).some((error) => error.field === "challenge");
  if (slug === "slot-taken" || (slug === "validation" && !checkRefused)) {
    forgetTimes();
    render(slug === "slot-taken" ? text.moveTaken : text.moveNotOffered);
    document.getElementById("move-notice")?.focus();
    return;
  }
  if (slug === "changed") {
    fill(
      box,
      h("p", { class: "notice", role: "alert" }, text.moveChanged),
      h("button", { type: "button", onclick: () => location.reload() }, text.reload),
    );
    return;
  }
  const message =
    slug === "too-late" ? text.moveTooLate
    : slug === "too-many-moves" ? text.moveTooMany
    : slug === "too-many-mails" ? text.tooManyMails
    : checkRefused || !(e instanceof api.Problem || e instanceof api.NetworkError) ? text.checkFailed
    : e instanceof api.Problem && e.status === 429 ? text.tooMany
    : e instanceof api.NetworkError ? text.networkError
    : text.serverError;
  const button = document.getElementById("move-button");
  if (button) {
    button.disabled = slug === "too-late" || slug === "too-many-moves";
    button.textContent = text.moveButton;
  }
  const error = document.getElementById("date-error");
  if (error) {
    error.textContent = message;
    error.hidden = false;
  }
}
