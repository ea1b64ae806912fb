// The agenda: a day or a week of one provider or all, in start order, the next appointment of
// today first; it reads itself again every minute.

import * as api from "./api.js";
import { t } from "./texts.js";
import { addDays, announce, ctx, dayName, fill, h, keepingFocus, page, providerName, showError, statusBox, statusText, time, today, when } from "./ui.js";

/** What the agenda shows; kept while the console is open. */
const view = { date: null, span: "day", provider: "all" };
let timer = null;

export function stop() {
  clearInterval(timer);
  timer = null;
}

export async function show() {
  view.date ??= today();
  const tx = t();
  const { main } = page(tx.agendaHeading);
  const box = statusBox();
  const results = h("div", { id: "agenda-results" });
  const calendars = h("div", { id: "agenda-calendars" });
  const updated = h("p", { class: "hint", id: "agenda-updated" });
  const date = h("input", { id: "agenda-date", type: "date", value: view.date, required: true });
  const provider = h("select", { id: "agenda-provider" },
    h("option", { value: "all" }, tx.allProviders),
    ctx.providers.map((p) => h("option", { value: p.id, selected: p.id === view.provider }, providerName(p.id))));
  const span = h("select", { id: "agenda-span" },
    h("option", { value: "day", selected: view.span === "day" }, tx.day),
    h("option", { value: "week", selected: view.span === "week" }, tx.week));
  const go = async (move) => {
    if (move) view.date = addDays(view.date, move * (view.span === "week" ? 7 : 1));
    else view.date = date.value || today();
    date.value = view.date;
    await load(results, updated, box, calendars, true);
  };
  const form = h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); view.span = span.value; view.provider = provider.value; go(0); } },
    h("div", { class: "field" }, h("label", { for: "agenda-date" }, tx.date), date),
    h("div", { class: "field" }, h("label", { for: "agenda-span" }, tx.show), span),
    h("div", { class: "field" }, h("label", { for: "agenda-provider" }, tx.provider), provider),
    h("button", { type: "submit" }, tx.show));
  const steps = h("div", { class: "toolbar" },
    h("button", { type: "button", class: "secondary", onclick: () => go(-1) }, `‹ ${tx.previous}`),
    h("button", { type: "button", class: "secondary", onclick: () => { date.value = today(); go(0); } }, tx.today),
    h("button", { type: "button", class: "secondary", id: "agenda-next", onclick: () => go(1) }, `${tx.next} ›`));
  main.append(form, steps, box, calendars, updated, results);
  await load(results, updated, box, calendars, false);
  stop();
  timer = setInterval(() => load(results, updated, box, calendars, false), 60_000);
}

async function load(results, updated, box, calendars, say) {
  const to = view.span === "week" ? addDays(view.date, 6) : view.date;
  let answer;
  try {
    answer = await api.agenda(view.date, to, view.provider);
  } catch (e) {
    showError(box, e);
    return;
  }
  fill(box);
  box.classList.remove("error");
  const list = answer.appointments;
  const now = new Date(answer.now);
  const next = list.find((a) => a.status === "booked" && new Date(a.end) > now);
  const days = [];
  for (let d = view.date; d <= to; d = addDays(d, 1)) days.push(d);
  const local = (iso) => new Intl.DateTimeFormat("en-CA", { timeZone: ctx.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
  await keepingFocus(results, () =>
    fill(results,
      next && local(next.start) === today() ? nextUp(next) : null,
      days.map((d) => dayTable(d, list.filter((a) => local(a.start) === d), now, next))));
  fill(updated, t().updatedAt(time(answer.now)));
  fill(calendars, staleCalendars(answer.calendars || []));
  if (say) announce(`${dayName(view.date)}: ${list.length}`);
}

/** The librarians' calendars whose copy may be out of date, and since when (none: nothing). */
function staleCalendars(list) {
  const stale = list.filter((c) => c.stale);
  if (!stale.length) return null;
  const tx = t();
  return h("section", { class: "callout warning", "aria-labelledby": "calendars-stale" },
    h("h2", { id: "calendars-stale" }, tx.calendarsStale),
    h("ul", {}, stale.map((c) => h("li", {},
      tx.calendarStale(providerName(c.provider), c.host, c.failing_since && when(c.failing_since), c.problem, c.read_at && when(c.read_at))))));
}

function nextUp(a) {
  const tx = t();
  return h("div", { class: "callout" },
    h("h2", {}, tx.nextUp),
    h("p", {}, h("a", { href: `#appointment/${a.id}` }, `${time(a.start)}–${time(a.end)} ${a.customer.name}`), ` · ${a.notes}`));
}

function marks(a, now) {
  const tx = t();
  const out = [];
  if (a.meeting.sent) out.push(h("span", { class: "mark good" }, tx.linkSent));
  else if (a.status === "booked" && !a.meeting.url) out.push(h("span", { class: "mark" }, tx.noLink));
  if (a.mail.failure) out.push(h("span", { class: "mark bad" }, a.mail.failure_kind === "bounced" ? tx.mailBounced : tx.mailFailed));
  if (a.attendance) out.push(h("span", { class: "mark" }, a.attendance.attended ? tx.attended : tx.noShow));
  return out;
}

function dayTable(date, list, now, next) {
  const tx = t();
  if (!list.length) {
    return h("section", {}, h("h2", {}, dayName(date)), h("p", {}, tx.noAppointments));
  }
  const several = ctx.providers.length > 1;
  return h("table", { class: "agenda" },
    h("caption", {}, dayName(date)),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, tx.cols.time),
      h("th", { scope: "col" }, tx.cols.patron),
      h("th", { scope: "col" }, tx.cols.topic),
      several ? h("th", { scope: "col" }, tx.provider) : null,
      h("th", { scope: "col" }, tx.cols.status),
      h("th", { scope: "col" }, tx.cols.marks))),
    h("tbody", {}, list.map((a) => h("tr", { class: next && a.id === next.id ? "next" : null },
      h("th", { scope: "row" }, `${time(a.start)}–${time(a.end)}`),
      h("td", {}, h("a", { href: `#appointment/${a.id}` }, a.customer.name)),
      h("td", {}, a.notes),
      several ? h("td", {}, providerName(a.provider)) : null,
      h("td", {}, statusText(a, now)),
      h("td", {}, marks(a, now))))));
}
