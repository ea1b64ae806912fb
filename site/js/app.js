// The booking site: the seed's four steps (service → date and time → your details → confirm)
// and the success page, in Greek or English, usable by keyboard and screen reader alone.
// This module starts it: the catalogue, the language, the browser's Back and Forward. Each
// step is its own module under steps/; the calendar is calendar.js; the state is state.js.

import * as api from "./api.js";
import * as d from "./dates.js";
import { h, fill } from "./dom.js";
import { restart, show } from "./flow.js";
import { DONE, LANG_KEY, localized, main, restored, save, state, t } from "./state.js";
import "./steps/service.js";
import "./steps/date.js";
import "./steps/details.js";
import "./steps/summary.js";
import "./steps/done.js";

boot();

async function boot() {
  document.getElementById("lang-switch").addEventListener("click", switchLanguage);
  window.addEventListener("popstate", onPopState);
  applyLanguage();
  fill(main, h("p", { class: "loading" }, t().loading));
  try {
    state.catalog = await api.services();
  } catch {
    fill(main, h("p", { role: "alert" }, t().loadFailed), h("button", { type: "button", onclick: boot }, t().retry));
    return;
  }
  const catalog = state.catalog;
  state.serviceId = catalog.services[0]?.id ?? null;
  state.today = d.todayIn(catalog.library.timezone);
  state.lastDay = d.addDays(state.today, catalog.policy.horizon_days);
  state.month = d.monthOf(state.today);
  history.replaceState({ step: 1 }, "");
  applyLanguage();
  const params = new URLSearchParams(location.search);
  // The waiting list's mails: the links that confirm and leave it, and the one that opens
  // the freed day.
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  const asked = params.get("date");
  const day = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : null;
  if (params.get("wait")) {
    showWaitAction(WAIT_CONFIRM, params.get("wait"), token, day);
    return;
  }
  if (params.get("leave")) {
    showWaitAction(WAIT_LEAVE, params.get("leave"), token, day);
    return;
  }
  if (asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) && asked >= state.today && asked <= state.lastDay) {
    const service = params.get("service");
    if (catalog.services.some((s) => s.id === service)) state.serviceId = service;
    // Opened from the waiting list's mail: the booking says so (counted in the statistics).
    Object.assign(state, { month: d.monthOf(asked), day: asked, reached: 2, fromWaitlist: params.get("from") === "waitlist" });
    window.addEventListener("pagehide", save);
    history.replaceState({ step: 2 }, "");
    show(2, { push: false, focus: true });
    return;
  }
  // Typed fields are kept as the patron leaves (a reload), with the step and the choices.
  window.addEventListener("pagehide", save);
  const saved = restored();
  if (saved) {
    // A time chosen before the reload is only kept if it is still in the future; step 2 shows
    // whether it is still free, and the booking refuses a taken one as usual.
    const slot = saved.slot && new Date(saved.slot.start) > new Date() ? saved.slot : null;
    Object.assign(state, {
      serviceId: saved.serviceId,
      providerId: saved.providerId || "any",
      month: saved.month >= state.month ? saved.month : state.month,
      day: slot ? saved.day : null,
      slot,
      reached: saved.reached || 1,
      fromWaitlist: saved.fromWaitlist === true,
      form: { ...state.form, ...saved.form, accept_terms: false, accept_privacy: false },
    });
    // The consents are never kept: from the summary, a reload returns to the form to give them.
    const step = Math.min(saved.step, 3);
    history.replaceState({ step }, "");
    show(step, { push: false, focus: true });
    return;
  }
  show(1, { push: false, focus: false });
}

/** What the waiting list's two mail links do: their texts and their call. */
const WAIT_CONFIRM = {
  call: api.confirmWaitlist,
  texts: (text) => [text.waitConfirmHeading, text.waitConfirmIntro, text.waitConfirmButton, text.waitConfirmDone, text.leaveGone],
};
const WAIT_LEAVE = {
  call: api.leaveWaitlist,
  texts: (text) => [text.leaveHeading, text.leaveIntro, text.leaveButton, text.leaveDone, text.leaveGone],
};

/** A waiting-list link's page: the day it is about, one button (a mail scanner's visit does
 * nothing), then what happened. */
function showWaitAction(action, id, token, day) {
  const text = t();
  const [heading, intro, label, done, gone] = action.texts(text);
  document.title = `${heading} · ${localized(state.catalog.library.name)}`;
  const status = h("div", { id: "leave-status", role: "status" });
  const act = async () => {
    try {
      await action.call(id, token);
      fill(status, h("p", { class: "notice" }, done));
    } catch (e) {
      const message = e instanceof api.Problem && e.status === 404 ? gone : text.serverError;
      fill(status, h("p", { role: "alert" }, message));
    }
    document.getElementById("leave-button")?.remove();
  };
  fill(
    main,
    h("h1", { id: "step-heading", tabindex: "-1" }, heading),
    h("p", null, intro),
    day ? h("p", { id: "wait-day" }, text.waitDay(d.longDate(day, text.locale))) : "",
    h("button", { type: "button", class: "primary", id: "leave-button", onclick: act }, label),
    status,
  );
  document.getElementById("step-heading").focus();
}

function applyLanguage() {
  const text = t();
  document.documentElement.lang = state.lang;
  const other = state.lang === "el" ? "en" : "el";
  const button = document.getElementById("lang-switch");
  button.textContent = text.switchTo;
  button.setAttribute("lang", other);
  button.setAttribute("title", text.switchLabel);
  document.getElementById("skip-link").textContent = text.skip;
  const library = state.catalog?.library;
  if (library) {
    document.getElementById("library-name").textContent = localized(library.name);
    fill(
      document.getElementById("footer-text"),
      localized(library.name),
      " · ",
      h("a", { href: `mailto:${library.email}` }, library.email),
    );
  }
}

function switchLanguage() {
  state.lang = state.lang === "el" ? "en" : "el";
  try {
    localStorage.setItem(LANG_KEY, state.lang);
  } catch {
    // Not remembered; the switch still works for this visit.
  }
  applyLanguage();
  if (state.catalog) show(state.step, { push: false, focus: false });
}

function onPopState(event) {
  const step = event.state?.step;
  if (!state.catalog) return;
  if (state.step === DONE || !step) {
    restart({ push: false });
    return;
  }
  if (step <= state.reached) show(step, { push: false });
}
