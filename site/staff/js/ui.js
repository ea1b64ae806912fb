// What every view of the console shares: the element builder, times in the library's zone,
// the error box, announcements, and the context (texts, library, providers).

import { h, fill } from "../../js/dom.js";
import { NetworkError, Problem } from "./api.js";
import { t } from "./texts.js";

export { h, fill };

/** Filled by app.js once: the catalogue (library name, zone, providers). */
export const ctx = { library: null, providers: [], services: [], timezone: "Europe/Athens", who: null };

/** A date-time (RFC 3339) as the library's clock shows it: "Τρ 01/12/2026 10:00". */
export function when(iso, opts = { weekday: "short", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" }) {
  if (!iso) return t().none;
  return new Intl.DateTimeFormat(t().locale, { ...opts, timeZone: ctx.timezone, hourCycle: "h23" }).format(new Date(iso));
}

export const time = (iso) => when(iso, { hour: "2-digit", minute: "2-digit" });

/** A date (YYYY-MM-DD) in words: "Τρίτη 1 Δεκεμβρίου 2026". */
export function dayName(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(t().locale, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/** A date (YYYY-MM-DD) short, for a table: "Πέμ 24 Δεκ 2026". */
export function shortDay(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(t().locale, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/** Today in the library's zone, YYYY-MM-DD. */
/** An appointment's state in words, as time and the attendance mark tell it: booked, in
 * progress, and once over attended, a no-show or attendance not recorded (never "took place"
 * for one nobody marked). The agenda and the appointment's page say the same. */
export function statusText(a, now = new Date()) {
  const tx = t();
  if (a.status !== "booked") return tx.status[a.status] || a.status;
  if (new Date(a.end) <= now) {
    if (!a.attendance) return tx.status.unrecorded;
    return a.attendance.attended ? tx.status.attended : tx.status.missed;
  }
  if (new Date(a.start) <= now) return tx.status.inProgress;
  return tx.status.booked;
}

export function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: ctx.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

/** `date` moved by `days`, YYYY-MM-DD. */
export function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export const providerName = (id) => {
  const p = ctx.providers.find((x) => x.id === id);
  return p ? p.name[t().code] || p.name.el : id;
};

/**
 * The answers of appointment `a` as [question, answer in words], in the order its service asks
 * them (from the catalogue); an answer to a question the configuration no longer has, by id.
 */
export function answerRows(a) {
  const tx = t();
  const local = (v) => (v ? v[tx.code] || v.el : "");
  const asked = ctx.services.find((s) => s.id === a.service)?.questions || [];
  const answers = a.answers || {};
  const words = (q, value) => {
    const option = (id) => local(q?.options?.find((o) => o.id === id)?.label) || id;
    if (typeof value === "boolean") return value ? tx.yes : tx.no;
    if (Array.isArray(value)) return value.map(option).join(", ");
    return q && q.kind !== "text" ? option(value) : String(value);
  };
  const known = asked.filter((q) => q.id in answers).map((q) => [local(q.label), words(q, answers[q.id])]);
  const others = Object.keys(answers).filter((id) => !asked.some((q) => q.id === id)).map((id) => [id, words(null, answers[id])]);
  return [...known, ...others];
}

/** Saves `blob` as the file `name` (a download the browser asks about or keeps). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Says `text` to screen readers (the polite live region). */
export function announce(text) {
  const region = document.getElementById("announce");
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 50);
}

/** A status box: role=status for news, role=alert for errors. Empty until set. */
export function statusBox() {
  return h("div", { class: "notice", role: "status", tabindex: "-1" });
}

/** A field's refusal in the console's language: its own words, else the code's, else the
 * server's. */
export function fieldMessage(x) {
  const tx = t();
  return tx.fieldErrors?.[x.field]?.[x.code] || tx.codes?.[x.code] || x.message;
}

/** Takes away the errors shown next to fields. */
export function clearFieldErrors(root = document) {
  for (const line of root.querySelectorAll("p.field-error[data-for]")) line.remove();
  for (const input of root.querySelectorAll("[data-field][aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }
}

/**
 * Shows what went wrong in `box` (an alert). A refusal of a field the page has (an input with
 * `data-field` naming it) is said next to that field, in the console's language, and the box
 * lists them as links to the fields; the first field takes the focus.
 */
export function showError(box, e) {
  const tx = t();
  box.setAttribute("role", "alert");
  box.classList.add("error");
  clearFieldErrors();
  if (e instanceof NetworkError) return fill(box, h("p", {}, tx.networkError));
  if (e instanceof Problem) {
    const errors = e.body.errors || [];
    let first = null;
    const items = errors.map((x) => {
      const message = fieldMessage(x);
      const input = document.querySelector(`[data-field="${CSS.escape(x.field)}"]`);
      if (!input) return h("li", {}, message);
      const lineId = `${input.id}-error`;
      input.before(h("p", { class: "field-error", id: lineId, "data-for": x.field }, message));
      input.setAttribute("aria-invalid", "true");
      const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      input.setAttribute("aria-describedby", [...ids, lineId].join(" "));
      first ??= input;
      const go = (ev) => {
        ev.preventDefault();
        input.focus();
      };
      return h("li", {}, h("a", { href: `#${input.id}`, onclick: go }, message));
    });
    const heading = errors.length ? tx.errorsHeading : e.body.detail || e.body.title || e.message;
    fill(box, h("p", {}, heading), items.length ? h("ul", {}, items) : null);
    first?.focus();
    return undefined;
  }
  return fill(box, h("p", {}, e instanceof Error ? e.message : String(e)));
}

/** Shows good news in `box`, and says it. */
/** What finds an element again once its part of the page is drawn anew: its id, else its link,
 * else its role in the page (`data-focus`). */
function focusKey(el) {
  if (el.id) return `#${CSS.escape(el.id)}`;
  const href = el.getAttribute("href");
  if (href) return `${el.tagName.toLowerCase()}[href="${CSS.escape(href)}"]`;
  if (el.dataset.focus) return `[data-focus="${CSS.escape(el.dataset.focus)}"]`;
  return null;
}

/**
 * Runs `draw`, which replaces what `container` holds, and puts the keyboard focus back where it
 * was (the same control, found again; else `fallback`, else the container) and the page where
 * it was scrolled: a screen-reader librarian keeps their place across the minute's refresh and
 * after an action. Nothing moves when the focus was elsewhere.
 */
export async function keepingFocus(container, draw, fallback = null) {
  const active = document.activeElement;
  const inside = active && active !== document.body && container.contains(active);
  const key = inside ? focusKey(active) : null;
  const { scrollX, scrollY } = window;
  await draw();
  if (!inside) return;
  const again = key ? container.querySelector(key) : null;
  const target = again || fallback || container;
  if (!target.hasAttribute("tabindex") && !again) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
  window.scrollTo(scrollX, scrollY);
}

export function showDone(box, text) {
  box.setAttribute("role", "status");
  box.classList.remove("error");
  fill(box, h("p", {}, text));
  announce(text);
}

/** A labelled input: {id, label, type, value, required, hint}. */
export function field({ id, label, type = "text", value = "", required = false, hint = null, attrs = {} }) {
  const hintId = hint ? `${id}-hint` : null;
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("input", { id, name: id, type, value, required, "aria-describedby": hintId, ...attrs }));
}

/** Runs `work` with `button` busy; errors go to `box`. */
export async function busy(button, box, work) {
  button.setAttribute("aria-disabled", "true");
  // What was refused before is answered anew.
  clearFieldErrors();
  try {
    return await work();
  } catch (e) {
    showError(box, e);
    return undefined;
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

/** The main area, emptied, with `heading` as its focused h1. */
export function page(heading) {
  const main = document.getElementById("main");
  const h1 = h("h1", { tabindex: "-1" }, heading);
  fill(main, h1);
  document.title = `${heading} · ${t().consoleName}`;
  // A new view: the focus moves to its heading (screen readers read it; Tab goes on from it).
  h1.focus();
  return { main, h1 };
}
