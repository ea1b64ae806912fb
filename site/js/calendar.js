// The month calendar of step 2 (the WAI-ARIA date picker: one Tab stop, arrows, Home/End,
// Page Up/Down across months) and the chosen day's times.

import * as api from "./api.js";
import * as d from "./dates.js";
import { h, fill } from "./dom.js";
import { MOVE, announce, state, t } from "./state.js";

/**
 * What a page with the calendar shows, in order: the zone the times are in (and the patron's,
 * when it differs), the calendar, its keyboard help, the chosen day's times, and the line that
 * says a time must be chosen. Step 2 and the manage page both draw these.
 */
export function calendarParts() {
  const text = t();
  const zone = state.catalog.library.timezone;
  const mine = d.browserZone();
  return [
    h("p", null, text.libraryTime(zone), mine && mine !== zone ? ` ${text.zoneDiffers(d.place(mine))}` : ""),
    h("div", { id: "calendar", class: "calendar" }),
    h("p", { id: "calendar-help", class: "hint" }, text.calendarHelp),
    h("div", { id: "times" }),
    h("p", { id: "date-error", class: "field-error", role: "alert", hidden: true }),
  ];
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
export async function drawMonth(focusDate, { advance = false, announceMonth = false } = {}) {
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
  if ((state.step !== 2 && state.step !== MOVE) || document.getElementById("calendar") !== box) return; // left meanwhile
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

  // A day in range with no free time (full, or not given) can be waited for: choosing it opens
  // the waiting list below the calendar with the day filled in (step 2 only).
  const waitlistHere = Boolean(document.getElementById("waitlist-section"));
  const waitable = (date) => waitlistHere && date >= state.today && date <= state.lastDay;
  const dayButton = (date) => {
    const count = free(date);
    const label = d.longDate(date, text.locale);
    const wait = !count && waitable(date);
    return h(
      "button",
      {
        type: "button",
        class: count ? "day free" : "day",
        "data-date": date,
        tabindex: date === tabStop ? "0" : "-1",
        "aria-label": count ? text.dayLabelFree(label, count) : wait ? text.dayLabelWait(label) : text.dayLabelNone(label),
        "aria-disabled": count || wait ? null : "true",
        "aria-pressed": count ? String(date === state.day) : null,
        "aria-current": date === state.today ? "date" : null,
        onclick: () => (count ? chooseDay(date) : wait ? waitForDay(date) : null),
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
      h("tr", null, weekdays.map((w) => h("th", { scope: "col", abbr: w.long }, h("span", { "aria-hidden": "true" }, w.short), h("span", { class: "visually-hidden" }, w.long)))),
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

/** A day without free times chosen: the waiting list opens with it, says so, and takes the
 * focus at its first field to fill. */
function waitForDay(date) {
  const text = t();
  const section = document.getElementById("waitlist-section");
  const input = document.getElementById("w-date");
  if (!section || !input) return;
  section.open = true;
  input.value = date;
  const note = document.getElementById("wait-chosen");
  if (note) {
    note.textContent = text.waitChosen(d.longDate(date, text.locale));
    note.hidden = false;
  }
  announce(text.waitChosen(d.longDate(date, text.locale)));
  const email = document.getElementById("w-email");
  (email && !email.value ? email : input).focus();
  section.scrollIntoView({ block: "nearest" });
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
  // On a phone the times start below the screen: bring them into view, the focus staying on
  // the day (the live region has said how many there are).
  const heading = document.getElementById("times-heading");
  if (heading && heading.getBoundingClientRect().bottom > window.innerHeight) {
    heading.scrollIntoView({ block: "start", behavior: "smooth" });
  }
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
  // One radio group, one Tab stop: the chosen time (or the first), the arrows to the others.
  const current = slots.some((slot) => slot.start === state.slot?.start) ? state.slot.start : slots[0]?.start;
  fill(
    box,
    h("h2", { id: "times-heading" }, text.timesFor(label)),
    h(
      "ul",
      { class: "slots", role: "radiogroup", "aria-labelledby": "times-heading", onkeydown: timesKey },
      slots.map((slot) => {
        const from = d.clockTime(slot.start, text.locale, zone);
        const to = d.clockTime(slot.end, text.locale, zone);
        const own = mine && mine !== zone ? text.yourTime(d.ownTime(slot.start, text.locale, mine, date)) : "";
        const visible = own ? `${from}–${to} (${own})` : `${from}–${to}`;
        return h(
          "li",
          { role: "none" },
          h(
            "button",
            {
              type: "button",
              class: "slot",
              role: "radio",
              "data-start": slot.start,
              "aria-checked": String(state.slot?.start === slot.start),
              tabindex: slot.start === current ? "0" : "-1",
              "aria-label": `${label}, ${visible}`,
              onclick: () => chooseSlot(slot, `${label}, ${visible}`),
            },
            h("span", { class: "range" }, `${from}–${to}`),
            own ? h("span", { class: "own" }, `(${own})`) : null,
          ),
        );
      }),
    ),
  );
}

/** The radio group's keys: the arrows move to the next or previous time and choose it
 * (wrapping round), Home and End to the first and the last; Space and Enter, as buttons,
 * choose the focused one. */
function timesKey(event) {
  const buttons = [...event.currentTarget.querySelectorAll("button.slot")];
  const at = buttons.indexOf(document.activeElement);
  if (at < 0 || !buttons.length) return;
  const last = buttons.length - 1;
  const to = {
    ArrowDown: at === last ? 0 : at + 1,
    ArrowRight: at === last ? 0 : at + 1,
    ArrowUp: at === 0 ? last : at - 1,
    ArrowLeft: at === 0 ? last : at - 1,
    Home: 0,
    End: last,
  }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  buttons[to].focus();
  buttons[to].click();
}

function chooseSlot(slot, label) {
  state.slot = slot;
  for (const button of document.querySelectorAll("button.slot")) {
    const chosen = button.dataset.start === slot.start;
    button.setAttribute("aria-checked", String(chosen));
    button.tabIndex = chosen ? 0 : -1;
  }
  document.getElementById("date-error").hidden = true;
  announce(`${t().chosen}: ${label}`);
}
