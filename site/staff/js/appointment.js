// One appointment: every detail, the patron's contact, the consent, the mail history and the
// audit record; set or change the video-call link, mark attendance, cancel with a reason.

import * as api from "./api.js";
import { mailto } from "./mailto.js";
import { t } from "./texts.js";
import { answerRows, busy, fill, h, keepingFocus, page, providerName, showDone, showError, statusBox, statusText, when } from "./ui.js";

export async function show(id) {
  const tx = t();
  const { main } = page(tx.appointmentHeading);
  const box = statusBox();
  main.append(h("p", {}, h("a", { href: "#agenda" }, `‹ ${tx.back}`)), box);
  const body = h("div", {});
  main.append(body);
  try {
    render(body, box, await api.appointment(id));
  } catch (e) {
    showError(box, e);
  }
}

function row(label, ...value) {
  return [h("dt", {}, label), h("dd", {}, ...value)];
}

function render(body, box, a) {
  const tx = t();
  const f = tx.fields;
  const started = new Date(a.start) <= new Date();
  const status = statusText(a);
  const meeting = a.meeting.url
    ? [h("a", { href: a.meeting.url, rel: "noopener noreferrer" }, a.meeting.url), " · ",
        a.meeting.sent ? tx.meetingSent : a.meeting.due ? tx.meetingDue(when(a.meeting.due)) : ""]
    : [tx.none];
  fill(body,
    h("dl", { class: "details" },
      row(f.when, `${when(a.start)}–${when(a.end, { hour: "2-digit", minute: "2-digit" })}`),
      row(f.provider, providerName(a.provider)),
      row(f.status, status),
      a.cancelled_at ? row(f.cancelled, when(a.cancelled_at)) : null,
      a.cancel_reason ? row(f.reason, a.cancel_reason) : null,
      row(f.name, a.customer.name),
      row(f.email, h("a", { href: mailto(a.customer.email) }, a.customer.email)),
      row(f.phone, a.customer.phone ? h("a", { href: `tel:${a.customer.phone.replace(/[^+0-9]/g, "")}` }, a.customer.phone) : tx.none),
      row(f.topic, a.notes || tx.none),
      answerRows(a).map(([question, answer]) => row(question, answer)),
      row(f.language, a.language === "en" ? "English" : "Ελληνικά"),
      row(f.booked, when(a.created_at)),
      row(f.consent, a.consent
        ? [a.consent.given_in ? tx.consentGivenIn(a.consent.given_in, when(a.consent.at)) : tx.consentText(when(a.consent.at)), " (", h("a", { href: a.consent.terms_url }, tx.terms), ", ",
            h("a", { href: a.consent.privacy_url }, tx.privacy), ")"]
        : tx.none),
      row(f.meeting, ...meeting),
      row(f.attendance, a.attendance ? (a.attendance.attended ? tx.attended : tx.noShow) : tx.none)),
    mailSection(a),
    a.status === "booked" && new Date(a.end) > new Date() ? linkSection(a, body, box) : null,
    a.status === "booked" && started ? attendanceSection(a, body, box) : null,
    a.status !== "cancelled" && !started ? cancelSection(a, body, box) : null,
    auditSection(a));
}

function mailSection(a) {
  const tx = t();
  const kind = (k) => tx.mailKinds[k] || k;
  const items = [
    ...a.mail.sent.map((m) => h("li", {}, tx.mailSent(kind(m.kind), when(m.at)))),
    ...a.mail.pending.map((k) => h("li", {}, tx.mailPending(kind(k)))),
    ...a.mail.reminders_due.map((at) => h("li", {}, tx.reminderDue(when(at)))),
    ...(a.mail.follow_up_due ? [h("li", {}, tx.followUpDue(when(a.mail.follow_up_due)))] : []),
  ];
  return h("section", { class: "action", "aria-labelledby": "mail-h" },
    h("h2", { id: "mail-h" }, tx.mailHeading),
    a.mail.failure ? h("p", { class: "notice error" }, tx.mailFailure(a.mail.failure, a.mail.failure_kind, a.mail.attempts)) : null,
    items.length ? h("ul", {}, items) : h("p", {}, tx.noMail));
}

function auditSection(a) {
  const tx = t();
  const c = tx.auditCols;
  const entries = a.audit || [];
  return h("section", { class: "action", "aria-labelledby": "audit-h" },
    h("h2", { id: "audit-h" }, tx.auditHeading),
    entries.length
      ? h("table", { class: "agenda" },
          h("thead", {}, h("tr", {}, [c.at, c.who, c.action, c.detail].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, entries.map((e) => h("tr", {},
            h("td", {}, when(e.at)), h("td", {}, e.who), h("td", {}, tx.actions[e.action] || e.action), h("td", {}, e.detail)))))
      : h("p", {}, tx.noAudit));
}

function linkSection(a, body, box) {
  const tx = t();
  const input = h("input", { id: "meeting-url", type: "url", required: true, value: a.meeting.url || "", placeholder: "https://" });
  const button = h("button", { type: "submit", id: "send-link" }, tx.sendLink);
  return h("section", { class: "action", "aria-labelledby": "link-h" },
    h("h2", { id: "link-h" }, tx.linkHeading),
    h("form", { onsubmit: (e) => {
      e.preventDefault();
      busy(button, box, async () => {
        const sent = await api.meeting(a.id, input.value);
        await keepingFocus(body, () => render(body, box, sent));
        showDone(box, tx.linkSentNow);
      });
    } },
      h("label", { for: "meeting-url" }, tx.linkLabel), input, button));
}

function attendanceSection(a, body, box) {
  const tx = t();
  const mark = (attended) => (e) => busy(e.currentTarget, box, async () => {
    const marked = await api.attendance(a.id, attended);
    await keepingFocus(body, () => render(body, box, marked));
    showDone(box, tx.attendanceSaved);
  });
  return h("section", { class: "action", "aria-labelledby": "att-h" },
    h("h2", { id: "att-h" }, tx.attendanceHeading),
    h("div", { class: "confirm-row" },
      h("button", { type: "button", id: "mark-attended", onclick: mark(true), "aria-pressed": String(a.attendance?.attended === true) }, tx.markAttended),
      h("button", { type: "button", class: "secondary", id: "mark-no-show", onclick: mark(false), "aria-pressed": String(a.attendance?.attended === false) }, tx.markNoShow)));
}

function cancelSection(a, body, box) {
  const tx = t();
  const reason = h("textarea", { id: "cancel-reason", rows: 3, maxlength: 1000 });
  const confirmRow = h("div", { class: "confirm-row", hidden: true });
  const start = h("button", { type: "button", class: "danger", onclick: () => {
    confirmRow.hidden = false;
    start.hidden = true;
    confirmRow.querySelector("button").focus();
  } }, tx.cancelAppointment);
  const yes = h("button", { type: "button", class: "danger", onclick: () => busy(yes, box, async () => {
    render(body, box, await api.cancel(a.id, reason.value));
    showDone(box, tx.cancelledNow);
    document.querySelector("h1").focus();
  }) }, tx.yesCancel);
  const no = h("button", { type: "button", class: "secondary", onclick: () => {
    confirmRow.hidden = true;
    start.hidden = false;
    start.focus();
  } }, tx.no);
  fill(confirmRow, h("p", { id: "cancel-confirm" }, tx.confirmCancel), yes, no);
  yes.setAttribute("aria-describedby", "cancel-confirm");
  return h("section", { class: "action", "aria-labelledby": "cancel-h" },
    h("h2", { id: "cancel-h" }, tx.cancelHeading),
    h("label", { for: "cancel-reason" }, tx.reasonLabel), reason, start, confirmRow);
}

