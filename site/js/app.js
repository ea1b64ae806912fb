// The booking site: the seed's four steps (service → date and time → your details → confirm)
// and the success page, in Greek or English, usable by keyboard and screen reader alone.

import el from "../texts/el.js";
import en from "../texts/en.js";
import * as api from "./api.js";
import * as d from "./dates.js";
import { h, fill } from "./dom.js";
import { validate } from "./validate.js";

const TEXTS = { el, en };
const STEPS = 4;
const DONE = 5;
const LANG_KEY = "rantevou.lang";

const FIELD_IDS = {
  "customer.name": "f-name",
  "customer.email": "f-email",
  "customer.phone": "f-phone",
  notes: "f-notes",
  accept_terms: "f-terms",
  accept_privacy: "f-privacy",
};
/** Fields that, when the server refuses them, mean the chosen time is no longer bookable. */
const SLOT_FIELDS = new Set(["start", "service", "provider"]);

const emptyForm = () => ({ name: "", email: "", phone: "", notes: "", accept_terms: false, accept_privacy: false });

const state = {
  lang: initialLanguage(),
  catalog: null,
  serviceId: null,
  providerId: "any",
  today: null,
  lastDay: null,
  month: null,
  day: null,
  slot: null,
  months: new Map(),
  form: emptyForm(),
  errors: [],
  notice: null,
  step: 1,
  reached: 1,
  key: null,
  keyFor: null,
  booking: false,
  bookingError: null,
  result: null,
};

const main = document.getElementById("main");
const t = () => TEXTS[state.lang];
const localized = (value) => (value && (value[state.lang] ?? value.el ?? value.en)) || "";

function initialLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked in TEXTS) return asked;
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved in TEXTS) return saved;
  } catch {
    // Storage may be disabled; Greek is the default.
  }
  return "el";
}

// ---------------------------------------------------------------------------------------
// Start

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
  show(1, { push: false, focus: false });
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

// ---------------------------------------------------------------------------------------
// Steps

function show(step, { push = true, focus = true } = {}) {
  // A step is only shown when the ones before it are done (the browser's Back can ask for any).
  if (step >= 3 && step <= STEPS && !state.slot) step = 2;
  state.step = step;
  state.reached = Math.max(state.reached, Math.min(step, STEPS));
  if (push) history.pushState({ step }, "");
  const render = [null, renderService, renderDate, renderDetails, renderSummary, renderDone][step];
  render();
  if (focus) document.getElementById("step-heading")?.focus();
}

/** The progress list and the step's heading (which receives the focus). */
function frame(step, heading) {
  const text = t();
  const library = localized(state.catalog.library.name);
  document.title = step <= STEPS ? `${heading} · ${text.stepOf(step, STEPS)} · ${library}` : `${heading} · ${library}`;
  const progress =
    step <= STEPS
      ? h(
          "ol",
          { class: "progress", "aria-label": text.stepsLabel },
          text.stepNames.map((name, i) =>
            h(
              "li",
              { "aria-current": i + 1 === step ? "step" : null, class: i + 1 < step ? "done" : null },
              h("span", { class: "num", "aria-hidden": "true" }, i + 1 < step ? "✓" : String(i + 1)),
              " ",
              name,
            ),
          ),
        )
      : null;
  const title = h(
    "h1",
    { id: "step-heading", tabindex: "-1" },
    // The space keeps "Step 2 of 4" and the heading apart for screen readers too.
    step <= STEPS ? [h("span", { class: "step-of" }, text.stepOf(step, STEPS)), " "] : null,
    heading,
  );
  return [progress, title];
}

function service() {
  return state.catalog.services.find((s) => s.id === state.serviceId);
}

function providerName(id) {
  return localized(state.catalog.providers.find((p) => p.id === id)?.name) || id;
}

function nav(...buttons) {
  return h("div", { class: "nav" }, buttons);
}

function backButton() {
  return h("button", { type: "button", class: "secondary", onclick: () => show(state.step - 1) }, t().back);
}

// Step 1: the service

function renderService() {
  const text = t();
  const catalog = state.catalog;
  const current = service();
  const choices = [];
  if (catalog.services.length > 1) {
    choices.push(
      h(
        "fieldset",
        { class: "choice" },
        h("legend", null, text.chooseService),
        catalog.services.map((s) =>
          h(
            "div",
            { class: "check" },
            h("input", {
              type: "radio",
              name: "service",
              id: `service-${s.id}`,
              value: s.id,
              checked: s.id === state.serviceId,
              onchange: () => chooseService(s.id),
            }),
            h("label", { for: `service-${s.id}` }, localized(s.name)),
          ),
        ),
      ),
    );
  }
  if (current && current.providers.length > 1) {
    choices.push(
      h("label", { for: "provider" }, text.chooseProvider),
      h(
        "select",
        {
          id: "provider",
          onchange: (e) => {
            state.providerId = e.target.value;
            forgetTimes();
          },
        },
        h("option", { value: "any", selected: state.providerId === "any" }, text.anyProvider),
        current.providers.map((id) => h("option", { value: id, selected: state.providerId === id }, providerName(id))),
      ),
    );
  }
  fill(
    main,
    frame(1, text.serviceHeading),
    h("p", { class: "lead" }, text.serviceIntro),
    current
      ? h(
          "section",
          { class: "card", "aria-labelledby": "service-name" },
          h("h2", { id: "service-name" }, localized(current.name)),
          h("p", null, localized(current.description)),
          h("p", null, text.duration(current.duration_minutes)),
          h("p", null, `${text.providedBy}: `, current.providers.map(providerName).join(", ")),
        )
      : null,
    choices,
    h("h2", null, text.howItWorks),
    h("ol", { class: "how" }, text.howItWorksItems.map((item) => h("li", null, item))),
    nav(h("button", { type: "button", class: "primary", onclick: () => show(2) }, text.next)),
  );
}

function chooseService(id) {
  state.serviceId = id;
  state.providerId = "any";
  forgetTimes();
  renderService();
  document.getElementById(`service-${id}`)?.focus();
}

/** The chosen time and every cached month: after a change of service or a taken slot. */
function forgetTimes() {
  state.months.clear();
  state.day = null;
  state.slot = null;
}

// Step 2: date and time

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
    h("div", { id: "calendar", class: "calendar" }),
    h("p", { id: "calendar-help", class: "hint" }, text.calendarHelp),
    h("div", { id: "times" }),
    h("p", { id: "date-error", class: "field-error", role: "alert", hidden: true }),
    nav(backButton(), h("button", { type: "button", class: "primary", onclick: dateNext }, text.next)),
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

function monthKey(month) {
  return `${state.serviceId}|${state.providerId}|${month}`;
}

async function loadMonth(month) {
  const key = monthKey(month);
  if (state.months.has(key)) return state.months.get(key);
  const range = d.rangeIn(month, state.today, state.lastDay);
  let days = new Map();
  if (range) {
    const answer = await api.availability({ service: state.serviceId, provider: state.providerId, ...range });
    days = new Map(answer.days.map((day) => [day.date, day.slots]));
  }
  state.months.set(key, days);
  return days;
}

/**
 * Draws the month `state.month`. `focusDate` (a date of that month) receives the focus;
 * `advance` moves on to the next month with free times when this one has none.
 */
async function drawMonth(focusDate, { advance = false, announceMonth = false } = {}) {
  const text = t();
  const box = document.getElementById("calendar");
  if (!box) return;
  box.setAttribute("aria-busy", "true");
  if (!box.firstChild) fill(box, h("p", { class: "loading" }, text.loading));
  let days;
  try {
    days = await loadMonth(state.month);
  } catch (e) {
    box.removeAttribute("aria-busy");
    fill(
      box,
      h("p", { role: "alert" }, e instanceof api.Problem && e.status === 429 ? text.tooMany : text.loadFailed),
      h("button", { type: "button", onclick: () => drawMonth(focusDate, { advance, announceMonth }) }, text.retry),
    );
    return;
  }
  if (state.step !== 2 || document.getElementById("calendar") !== box) return; // left meanwhile
  const lastMonth = d.monthOf(state.lastDay);
  const free = (date) => (days.get(date) || []).length;
  const anyFree = [...days.values()].some((slots) => slots.length > 0);
  if (advance && !anyFree && state.month < lastMonth) {
    state.month = d.addMonths(state.month, 1);
    drawMonth(null, { advance: true });
    return;
  }
  const month = state.month;
  const firstFree = [...days.keys()].sort().find((date) => free(date) > 0);
  const inMonth = (date) => date && d.monthOf(date) === month;
  const tabStop = [focusDate, state.day, firstFree, state.today].find(inMonth) || d.firstOfMonth(month);
  const weekdays = d.weekdayNames(text.locale);
  const monthTitle = d.monthName(month, text.locale);

  const dayButton = (date) => {
    const count = free(date);
    const label = d.longDate(date, text.locale);
    return h(
      "button",
      {
        type: "button",
        class: count ? "day free" : "day",
        "data-date": date,
        tabindex: date === tabStop ? "0" : "-1",
        "aria-label": count ? text.dayLabelFree(label, count) : text.dayLabelNone(label),
        "aria-disabled": count ? null : "true",
        "aria-pressed": count ? String(date === state.day) : null,
        "aria-current": date === state.today ? "date" : null,
        onclick: () => (count ? chooseDay(date) : null),
      },
      h("span", { class: "n" }, String(Number(date.slice(8)))),
    );
  };

  const table = h(
    "table",
    { class: "month", "aria-labelledby": "month-name", "aria-describedby": "calendar-help", onkeydown: calendarKey },
    h(
      "thead",
      null,
      h("tr", null, weekdays.map((w) => h("th", { scope: "col", abbr: w.long }, h("span", { "aria-hidden": "true" }, w.short)))),
    ),
    h(
      "tbody",
      null,
      d.monthGrid(month).map((week) => h("tr", null, week.map((date) => h("td", null, date ? dayButton(date) : null)))),
    ),
  );
  fill(
    box,
    h(
      "div",
      { class: "month-head" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "aria-label": text.previousMonth,
          disabled: month <= d.monthOf(state.today),
          onclick: () => changeMonth(-1),
        },
        "‹",
      ),
      h("h2", { id: "month-name" }, monthTitle),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "aria-label": text.nextMonth,
          disabled: month >= lastMonth,
          onclick: () => changeMonth(1),
        },
        "›",
      ),
    ),
    table,
    anyFree ? null : h("p", { class: "notice" }, month < lastMonth ? text.noSlotsMonth : [text.noSlotsAtAll, " ", state.catalog.library.email]),
  );
  box.removeAttribute("aria-busy");
  drawTimes(days);
  if (focusDate) box.querySelector(`button[data-date="${focusDate}"]`)?.focus();
  if (announceMonth) announce(monthTitle);
}

function changeMonth(delta) {
  state.month = d.addMonths(state.month, delta);
  drawMonth(null, { announceMonth: true });
}

function calendarKey(event) {
  const from = event.target.closest("button.day")?.dataset.date;
  if (!from) return;
  let to = d.dateForKey(from, event.key);
  if (!to) return;
  event.preventDefault();
  const first = d.firstOfMonth(d.monthOf(state.today));
  const last = d.lastOfMonth(d.monthOf(state.lastDay));
  to = to < first ? first : to > last ? last : to;
  if (d.monthOf(to) === state.month) {
    for (const button of document.querySelectorAll("button.day")) {
      button.tabIndex = button.dataset.date === to ? 0 : -1;
    }
    document.querySelector(`button.day[data-date="${to}"]`)?.focus();
  } else {
    state.month = d.monthOf(to);
    drawMonth(to, { announceMonth: true });
  }
}

function chooseDay(date) {
  const text = t();
  state.day = date;
  if (state.slot && d.dateOf(state.slot.start, state.catalog.library.timezone) !== date) state.slot = null;
  for (const button of document.querySelectorAll("button.day.free")) {
    button.setAttribute("aria-pressed", String(button.dataset.date === date));
    button.tabIndex = button.dataset.date === date ? 0 : -1;
  }
  document.getElementById("date-error").hidden = true;
  const days = state.months.get(monthKey(state.month));
  drawTimes(days);
  announce(text.timesAnnounce((days?.get(date) || []).length, d.longDate(date, text.locale)));
}

function drawTimes(days) {
  const text = t();
  const box = document.getElementById("times");
  if (!box) return;
  const date = state.day;
  if (!date || d.monthOf(date) !== state.month || !days) {
    fill(box);
    return;
  }
  const zone = state.catalog.library.timezone;
  const mine = d.browserZone();
  const slots = days.get(date) || [];
  const label = d.longDate(date, text.locale);
  fill(
    box,
    h("h2", { id: "times-heading" }, text.timesFor(label)),
    h(
      "ul",
      { class: "slots", "aria-labelledby": "times-heading" },
      slots.map((slot) => {
        const from = d.clockTime(slot.start, text.locale, zone);
        const to = d.clockTime(slot.end, text.locale, zone);
        const local = mine && mine !== zone ? ` (${text.yourTime(d.clockTime(slot.start, text.locale, mine))})` : "";
        const visible = `${from}–${to}${local}`;
        return h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "slot",
              "data-start": slot.start,
              "aria-pressed": String(state.slot?.start === slot.start),
              "aria-label": `${label}, ${visible}`,
              onclick: () => chooseSlot(slot, `${label}, ${visible}`),
            },
            visible,
          ),
        );
      }),
    ),
  );
}

function chooseSlot(slot, label) {
  state.slot = slot;
  for (const button of document.querySelectorAll("button.slot")) {
    button.setAttribute("aria-pressed", String(button.dataset.start === slot.start));
  }
  document.getElementById("date-error").hidden = true;
  announce(`${t().chosen}: ${label}`);
}

// Step 3: your details

function renderDetails() {
  const text = t();
  const required = state.catalog.policy.required_fields || ["name", "email"];
  const library = state.catalog.library;
  const errorFor = (field) => state.errors.find((e) => e.field === field);
  const describedBy = (id, hint, field) =>
    [hint ? `${id}-hint` : null, errorFor(field) ? `${id}-error` : null].filter(Boolean).join(" ") || null;
  const errorLine = (id, field) => {
    const error = errorFor(field);
    return error ? h("p", { id: `${id}-error`, class: "field-error" }, messageFor(error)) : null;
  };
  const input = (key, field, { type = "text", autocomplete, hint, inputmode } = {}) => {
    const id = FIELD_IDS[field];
    const isRequired = required.includes(key);
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, text[key], isRequired ? h("span", { class: "req" }, " *") : null),
      hint ? h("p", { id: `${id}-hint`, class: "hint" }, hint) : null,
      errorLine(id, field),
      h("input", {
        id,
        name: key,
        type,
        autocomplete,
        inputmode,
        spellcheck: type === "email" ? "false" : null,
        required: isRequired,
        value: state.form[key],
        "aria-invalid": errorFor(field) ? "true" : null,
        "aria-describedby": describedBy(id, hint, field),
        oninput: (e) => (state.form[key] = e.target.value),
      }),
    );
  };
  const check = (key, field, label, href, linkText) => {
    const id = FIELD_IDS[field];
    return h(
      "div",
      { class: "field" },
      errorLine(id, field),
      h(
        "div",
        { class: "check" },
        h("input", {
          type: "checkbox",
          id,
          name: key,
          required: true,
          checked: state.form[key],
          "aria-invalid": errorFor(field) ? "true" : null,
          "aria-describedby": errorFor(field) ? `${id}-error` : null,
          onchange: (e) => (state.form[key] = e.target.checked),
        }),
        h("label", { for: id }, label, h("span", { class: "req" }, " *")),
      ),
      h("p", { class: "doc-link" }, h("a", { href, target: "_blank", rel: "noopener" }, linkText)),
    );
  };
  const notesId = FIELD_IDS.notes;
  const form = h(
    "form",
    { novalidate: true, onsubmit: detailsNext },
    input("name", "customer.name", { autocomplete: "name" }),
    input("email", "customer.email", { type: "email", autocomplete: "email", hint: text.emailHint }),
    input("phone", "customer.phone", { type: "tel", autocomplete: "tel", hint: text.phoneHint, inputmode: "tel" }),
    h(
      "div",
      { class: "field" },
      h("label", { for: notesId }, text.notes, required.includes("notes") ? h("span", { class: "req" }, " *") : null),
      h("p", { id: `${notesId}-hint`, class: "hint" }, text.notesHint),
      errorLine(notesId, "notes"),
      h(
        "textarea",
        {
          id: notesId,
          name: "notes",
          rows: "4",
          maxlength: "1000",
          required: required.includes("notes"),
          "aria-invalid": errorFor("notes") ? "true" : null,
          "aria-describedby": describedBy(notesId, true, "notes"),
          oninput: (e) => (state.form.notes = e.target.value),
        },
        state.form.notes,
      ),
    ),
    check("accept_terms", "accept_terms", text.acceptTerms, library.terms_url, text.termsLink),
    check("accept_privacy", "accept_privacy", text.acceptPrivacy, library.privacy_url, text.privacyLink),
    nav(backButton(), h("button", { type: "submit", class: "primary" }, text.next)),
  );
  fill(main, frame(3, text.detailsHeading), errorSummary(), h("p", null, text.detailsIntro), form);
}

/** The list of mistakes at the top of the form, each a link to its field. */
function errorSummary() {
  if (!state.errors.length) return null;
  return h(
    "div",
    { class: "error-summary", id: "error-summary", role: "alert", tabindex: "-1", "aria-labelledby": "error-summary-title" },
    h("h2", { id: "error-summary-title" }, t().errorSummary),
    h(
      "ul",
      null,
      state.errors.map((error) => {
        const id = FIELD_IDS[error.field];
        const message = messageFor(error);
        return h(
          "li",
          null,
          id
            ? h(
                "a",
                {
                  href: `#${id}`,
                  onclick: (e) => {
                    e.preventDefault();
                    document.getElementById(id)?.focus();
                  },
                },
                message,
              )
            : message,
        );
      }),
    ),
  );
}

/** The message for a field error in the page's language; the server's own when unknown. */
function messageFor(error) {
  return t().errors[error.field]?.[error.code] || error.message || error.code;
}

function detailsNext(event) {
  event.preventDefault();
  state.errors = validate(state.form, state.catalog.policy.required_fields || []);
  if (state.errors.length) {
    renderDetails();
    document.getElementById("error-summary")?.focus();
    return;
  }
  show(4);
}

// Step 4: summary and Confirm

function whenText(slot, locale) {
  const zone = state.catalog.library.timezone;
  const date = d.longDate(d.dateOf(slot.start, zone), locale);
  return `${date}, ${d.clockTime(slot.start, locale, zone)}–${d.clockTime(slot.end, locale, zone)}`;
}

function detailsTable(rows) {
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
    ]),
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
    language: state.lang,
    accept_terms: f.accept_terms,
    accept_privacy: f.accept_privacy,
  };
  // One key per distinct booking: a retry after a lost answer is recognised by the server.
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
    const appointment = await api.book(body, state.key);
    state.booking = false;
    state.result = appointment;
    show(DONE);
  } catch (e) {
    state.booking = false;
    bookingFailed(e);
  }
}

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
    e instanceof api.NetworkError ? "networkError" : e instanceof api.Problem && e.status === 429 ? "tooMany" : "serverError";
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

// Done

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

function restart({ push }) {
  forgetTimes();
  Object.assign(state, {
    form: emptyForm(),
    errors: [],
    notice: null,
    reached: 1,
    key: null,
    keyFor: null,
    bookingError: null,
    result: null,
    month: d.monthOf(state.today),
  });
  if (!push) history.replaceState({ step: 1 }, "");
  show(1, { push });
}

// ---------------------------------------------------------------------------------------

/** Says `message` to screen readers (the live region), even when it repeats. */
function announce(message) {
  const region = document.getElementById("announce");
  region.textContent = "";
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}
