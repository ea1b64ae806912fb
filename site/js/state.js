// The booking's state for this tab, the texts of the chosen language, and the few helpers
// every step uses (the live region, the step frame, navigation buttons).

import * as d from "./dates.js";
import el from "../texts/el.js";
import en from "../texts/en.js";

export const TEXTS = { el, en };
export const STEPS = 4;
export const DONE = 5;
/** The manage page's "change the time" (manage.js), drawn with the same calendar. */
export const MOVE = 6;
export const LANG_KEY = "rantevou.lang";

export const FIELD_IDS = {
  "customer.name": "f-name",
  "customer.email": "f-email",
  "customer.phone": "f-phone",
  notes: "f-notes",
  accept_terms: "f-terms",
  accept_privacy: "f-privacy",
};
/** Fields that, when the server refuses them, mean the chosen time is no longer bookable. */
export const SLOT_FIELDS = new Set(["start", "service", "provider"]);

export const emptyForm = () => ({ name: "", email: "", phone: "", notes: "", answers: {}, accept_terms: false, accept_privacy: false });

export const state = {
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
  pow: null,
  /** Opened from the waiting list's mail (the freed day's link). */
  fromWaitlist: false,
};

export const main = document.getElementById("main");
export const t = () => TEXTS[state.lang];
export const localized = (value) => (value && (value[state.lang] ?? value.el ?? value.en)) || "";

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

const SAVED = "rantevou.booking";

/**
 * Keeps where the patron is (the step, the choices, what they typed, never the consents) for
 * this tab, so that a reload does not lose it. Forgotten once booked.
 */
export function save() {
  try {
    if (state.step > STEPS || !state.catalog) {
      sessionStorage.removeItem(SAVED);
      return;
    }
    const { name, email, phone, notes, answers } = state.form;
    sessionStorage.setItem(SAVED, JSON.stringify({
      step: state.step, reached: state.reached, serviceId: state.serviceId, providerId: state.providerId,
      month: state.month, day: state.day, slot: state.slot, form: { name, email, phone, notes, answers },
      fromWaitlist: state.fromWaitlist,
    }));
  } catch {
    // Storage may be disabled: a reload then starts over, as before.
  }
}

/** What `save` kept for this tab (checked against the catalogue), or null. */
export function restored() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SAVED) || "null");
    if (!saved || !state.catalog.services.some((s) => s.id === saved.serviceId)) return null;
    return saved;
  } catch {
    return null;
  }
}

/** The chosen service. */
export function service() {
  return state.catalog.services.find((s) => s.id === state.serviceId);
}

export function providerName(id) {
  return localized(state.catalog.providers.find((p) => p.id === id)?.name) || id;
}

/** The chosen time and every cached month: after a change of service or a taken slot. */
export function forgetTimes() {
  state.months.clear();
  state.day = null;
  state.slot = null;
}

/** Says `message` to screen readers (the live region), even when it repeats. */
export function announce(message) {
  const region = document.getElementById("announce");
  region.textContent = "";
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/** "Τρίτη 1 Δεκεμβρίου 2026, 09:00–09:20 (ώρα Ελλάδας)", and the patron's own time when
 * their device is in another zone. */
export function whenText(slot, locale) {
  const text = t();
  const zone = state.catalog.library.timezone;
  const libraryDate = d.dateOf(slot.start, zone);
  const date = d.longDate(libraryDate, locale);
  const label = localized(state.catalog.library.timezone_label) || zone;
  const when = `${date}, ${d.clockTime(slot.start, locale, zone)}–${d.clockTime(slot.end, locale, zone)} (${label})`;
  const mine = d.browserZone();
  if (!mine || mine === zone) return when;
  return `${when}; ${text.yourTime(d.ownTime(slot.start, locale, mine, libraryDate))}`;
}

