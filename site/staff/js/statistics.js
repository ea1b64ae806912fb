// The anonymous statistics (GET /api/staff/statistics): a range of months, the totals, and
// each breakdown drawn as a bar chart made here as inline SVG (no library), each with the same
// figures as a table beside it for screen readers and for copying; a CSV download; and the
// figures of one year on one printable page (#statistics/year/2026).

import * as api from "./api.js";
import { t } from "./texts.js";
import { busy, ctx, download, field, fill, h, page, showDone, showError, statusBox, today } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";
/** The outcomes in the order the figures list them. */
const OUTCOMES = ["attended", "no_show", "cancelled_by_patron", "cancelled_by_staff", "expired", "unmarked"];

/** An SVG element. */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined) el.append(child instanceof Node ? child : String(child));
  return el;
}

const local = (v) => (v ? v[t().code] || v.el : "");
const percent = (x) => new Intl.NumberFormat(t().locale, { style: "percent", maximumFractionDigits: 1 }).format(x);
const number = (x) => new Intl.NumberFormat(t().locale, { maximumFractionDigits: 1 }).format(x);

/** A month `YYYY-MM` in words ("Δεκ 2026"). */
function monthName(month) {
  const [y, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(t().locale, { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** The words of an id in a breakdown: a service, a department, an answer; "other" said. */
function words(kind, id, question) {
  const tx = t();
  if (id === "other") return tx.stats.other;
  if (kind === "services") return local(ctx.services.find((s) => s.id === id)?.name) || id;
  if (kind === "providers") return local(ctx.providers.find((p) => p.id === id)?.name) || id;
  if (kind === "outcomes") return tx.stats.outcomes[id] || id;
  if (kind === "weekdays") return tx.stats.weekdays[Number(id) - 1] || id;
  if (kind === "hours") return `${String(id).padStart(2, "0")}:00`;
  if (kind === "months") return monthName(id);
  if (question?.kind === "yes_no") return id === "yes" ? tx.yes : tx.no;
  return local(question?.options?.find((o) => o.id === id)?.label) || id;
}

/**
 * A chart and its table: `rows` are [label, count]. The bars are drawn to scale, each with its
 * count written at its end; the table beside says the same (the SVG is an image with a name;
 * the table is what a screen reader reads).
 */
function chart(id, title, rows) {
  const tx = t();
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const rowHeight = 28;
  const labelWidth = 230;
  const barWidth = 300;
  const height = Math.max(rowHeight, rows.length * rowHeight);
  const picture = svg(
    "svg",
    { viewBox: `0 0 ${labelWidth + barWidth + 60} ${height}`, role: "img", "aria-labelledby": `${id}-title`, class: "chart", "data-chart": id },
    rows.map(([label, n], i) => {
      const y = i * rowHeight;
      const width = Math.round((n / max) * barWidth);
      return svg("g", { "data-label": label, "data-value": n },
        svg("text", { x: 0, y: y + 19, class: "chart-label" }, label.length > 30 ? `${label.slice(0, 29)}…` : label),
        svg("rect", { x: labelWidth, y: y + 5, width, height: rowHeight - 10, class: "bar" }),
        svg("text", { x: labelWidth + width + 6, y: y + 19, class: "chart-value" }, number(n)));
    }),
  );
  return h("figure", { class: "stats-figure", id },
    h("figcaption", { id: `${id}-title` }, title),
    h("div", { class: "chart-pair" },
      picture,
      h("table", { class: "agenda stats-table", "data-table": id },
        h("caption", { class: "visually-hidden" }, title),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, tx.stats.item), h("th", { scope: "col" }, tx.stats.count))),
        h("tbody", {}, rows.map(([label, n]) => h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, number(n))))))));
}

/** Every figure of `report`, in the console's language. */
function figures(report, prefix) {
  const tx = t();
  const o = report.outcomes;
  const questions = ctx.services.flatMap((s) => s.questions || []).filter((q, i, all) => all.findIndex((x) => x.id === q.id) === i);
  // In the configuration's order (a question's options, the services, the departments), the
  // merged small counts last.
  const order = (kind, question) => {
    const ids =
      kind === "services" ? ctx.services.map((s) => s.id)
      : kind === "providers" ? ctx.providers.map((p) => p.id)
      : question?.kind === "yes_no" ? ["yes", "no"]
      : (question?.options || []).map((o) => o.id);
    return (id) => (id === "other" ? Infinity : ids.includes(id) ? ids.indexOf(id) : ids.length);
  };
  const rowsOf = (kind, counts, question) => {
    const rank = order(kind, question);
    return Object.entries(counts)
      .sort(([a], [b]) => (["weekdays", "hours"].includes(kind) ? Number(a) - Number(b) : rank(a) - rank(b)))
      .map(([k, n]) => [words(kind, k, question), n]);
  };
  const summary = h("dl", { class: "details stats-summary" },
    h("dt", {}, tx.stats.total), h("dd", { id: `${prefix}-total` }, number(report.total)),
    h("dt", {}, tx.stats.outcomes.attended), h("dd", {}, number(o.attended)),
    h("dt", {}, tx.stats.noShowRate), h("dd", {}, report.no_show_rate === null ? tx.none : percent(report.no_show_rate)),
    h("dt", {}, tx.stats.leadMedian), h("dd", {}, report.lead_days_median === null ? tx.none : tx.stats.days(number(report.lead_days_median))),
    h("dt", {}, tx.stats.moved), h("dd", {}, number(report.moved)),
    h("dt", {}, tx.stats.waitlist), h("dd", {}, number(report.waitlist)));
  if (report.total === 0) return [summary, h("p", { class: "empty" }, tx.stats.empty)];
  return [
    summary,
    chart(`${prefix}-months`, tx.stats.byMonth, report.months.map((m) => [words("months", m.month), m.total])),
    chart(`${prefix}-outcomes`, tx.stats.byOutcome, OUTCOMES.map((k) => [words("outcomes", k), o[k] || 0])),
    chart(`${prefix}-services`, tx.stats.byService, rowsOf("services", report.services)),
    chart(`${prefix}-providers`, tx.stats.byProvider, rowsOf("providers", report.providers)),
    ...questions
      .filter((q) => report.questions[q.id])
      .map((q) => chart(`${prefix}-q-${q.id}`, local(q.label), rowsOf("answers", report.questions[q.id], q))),
    chart(`${prefix}-weekdays`, tx.stats.byWeekday, rowsOf("weekdays", report.weekdays)),
    chart(`${prefix}-hours`, tx.stats.byHour, rowsOf("hours", report.hours)),
    h("p", { class: "hint" }, tx.stats.mergedNote),
  ];
}

const thisMonth = () => today().slice(0, 7);

/** `#statistics`: a range of months, its figures, the CSV; the way to a year's page. */
export async function show() {
  const tx = t();
  const { main } = page(tx.stats.heading);
  const box = statusBox();
  const results = h("div", { id: "stats-results", "aria-live": "polite" });
  const year = thisMonth().slice(0, 4);
  const load = async (button) => {
    const from = document.getElementById("stats-from").value;
    const to = document.getElementById("stats-to").value;
    await busy(button, box, async () => {
      const report = await api.statistics(from, to);
      fill(results, h("h2", { id: "stats-range" }, tx.stats.range(monthName(report.from), monthName(report.to))), figures(report, "stats"));
    });
  };
  const showButton = h("button", { type: "submit" }, tx.stats.show);
  const csvButton = h("button", { type: "button", class: "secondary", onclick: () => {
    const from = document.getElementById("stats-from").value;
    const to = document.getElementById("stats-to").value;
    busy(csvButton, box, async () => {
      download(await api.statisticsFile(from, to), `statistics-${from}-${to}.csv`);
      showDone(box, tx.exported);
    });
  } }, tx.stats.csv);
  const form = h("form", { onsubmit: (e) => { e.preventDefault(); load(showButton); } },
    h("div", { class: "toolbar" },
      field({ id: "stats-from", label: tx.stats.from, type: "month", value: `${year}-01`, required: true, attrs: { min: "2000-01", max: "2999-12" } }),
      field({ id: "stats-to", label: tx.stats.to, type: "month", value: thisMonth(), required: true, attrs: { min: "2000-01", max: "2999-12" } }),
      showButton, csvButton));
  const years = Array.from({ length: 5 }, (_, i) => String(Number(year) - i));
  const annual = h("p", {}, tx.stats.annualIntro, " ", years.map((y, i) => [i ? ", " : "", h("a", { href: `#statistics/year/${y}` }, y)]));
  main.append(box, h("p", {}, tx.stats.intro), form, annual, results);
  await load(showButton).catch((e) => showError(box, e));
}

/** `#statistics/year/2026`: one year's figures on one page, ready to print. */
export async function year(y) {
  const tx = t();
  const valid = /^[0-9]{4}$/.test(y) ? y : thisMonth().slice(0, 4);
  const { main } = page(tx.stats.annualHeading(valid));
  const box = statusBox();
  main.classList.add("annual");
  main.append(box,
    h("p", { class: "no-print" }, h("a", { href: "#statistics" }, tx.stats.back), " · ",
      h("button", { type: "button", class: "secondary", onclick: () => window.print() }, tx.stats.print)));
  try {
    const report = await api.statistics(`${valid}-01`, `${valid}-12`);
    main.append(h("p", {}, tx.stats.annualNote(ctx.library ? local(ctx.library.name) : "")), ...figures(report, "annual"));
  } catch (e) {
    showError(box, e);
  }
}
