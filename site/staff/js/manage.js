// The library-wide pages: closures (list, add with a warning naming the appointments already
// there, remove), the mail that failed for good (retry, to a corrected address), the export of
// a range and a patron's data (export, erase after a confirmation).

import * as api from "./api.js";
import { t } from "./texts.js";
import { addDays, busy, download, field, fill, h, keepingFocus, page, shortDay, showDone, showError, statusBox, today, when } from "./ui.js";

// ---- closures -------------------------------------------------------------------------------

export async function closures() {
  const tx = t();
  const { main } = page(tx.closuresHeading);
  const box = statusBox();
  const list = h("div", {});
  const record = h("div", {});
  // The configuration's closures after the form: a year of them would push it off the screen.
  main.append(h("p", {}, tx.closuresIntro), box, list, addForm(list, box),
    h("section", { class: "action", id: "configured-closures", "aria-labelledby": "configured-closures-h" }),
    h("section", { class: "action", "aria-labelledby": "library-audit-h" },
      h("h2", { id: "library-audit-h" }, tx.libraryAuditHeading), record));
  await listClosures(list, box);
  await listLibraryAudit(record);
}

/** What staff did to the whole library, newest first (closures, exports, patrons' data). */
async function listLibraryAudit(record) {
  const tx = t();
  const c = tx.auditCols;
  let entries;
  try {
    entries = (await api.libraryAudit()).entries.slice().reverse();
  } catch {
    // Staff limited to some departments do not see it (403): leave the section out.
    record.closest("section")?.remove();
    return;
  }
  fill(record, entries.length
    ? h("table", { class: "agenda" },
        h("thead", {}, h("tr", {}, [c.at, c.who, c.action, c.detail].map((x) => h("th", { scope: "col" }, x)))),
        h("tbody", {}, entries.map((e) => h("tr", {},
          h("td", {}, when(e.at)), h("td", {}, e.who), h("td", {}, tx.actions[e.action] || e.action), h("td", {}, inWords(e.detail))))))
    : h("p", {}, tx.noAudit));
}

/** A detail of the record with its dates (a closure's, an export's range) in words. */
const inWords = (detail) => detail.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (date) => shortDay(date));

async function listClosures(list, box) {
  const tx = t();
  const c = tx.closureCols;
  let answer;
  try {
    answer = await api.closures();
  } catch (e) {
    return showError(box, e);
  }
  const hours = (x) => (x.hours ? `${x.hours.from.slice(0, 5)}–${x.hours.to.slice(0, 5)}` : tx.allDay);
  const head = (...cols) => h("thead", {}, h("tr", {}, cols.map((x) => h("th", { scope: "col" }, x))));
  const dates = (x) => [h("td", {}, shortDay(x.from)), h("td", {}, x.to === x.from ? "" : shortDay(x.to))];
  const configured = answer.configured || [];
  const section = document.getElementById("configured-closures");
  if (section) {
    fill(section,
      h("h2", { id: "configured-closures-h" }, tx.configuredHeading),
      h("p", {}, tx.configuredIntro),
      configured.length
        ? h("table", { class: "agenda", "aria-labelledby": "configured-closures-h" },
            head(c.name, c.from, c.to, c.source),
            h("tbody", {}, configured.map((x) => h("tr", {},
              h("th", { scope: "row" }, tx.holidayNames[x.name] || x.name), ...dates(x),
              h("td", {}, tx.closureSources[x.source] || x.source)))))
        : h("p", {}, tx.noConfigured));
  }
  fill(list,
    answer.closures.length
      ? h("table", { class: "agenda" },
          head(c.name, c.from, c.to, c.hours, c.remove),
          h("tbody", {}, answer.closures.map((x) => h("tr", {},
            h("th", { scope: "row" }, x.name), ...dates(x), h("td", {}, hours(x)),
            h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": tx.removeNamed(x.name), onclick: (e) =>
              busy(e.currentTarget, box, async () => {
                await api.removeClosure(x.id);
                await listClosures(list, box);
                showDone(box, tx.closureRemoved);
                document.querySelector("h1").focus();
              }) }, tx.remove))))))
      : h("p", {}, tx.noClosures));
}

function addForm(list, box) {
  const tx = t();
  const warning = h("div", { class: "notice error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit" }, tx.addClosure);
  // Offered once the preview found appointments: close and cancel them, each patron mailed.
  const reasonField = field({ id: "closure-reason", label: tx.closureReasonLabel, attrs: { maxlength: 1000, "data-field": "cancel_reason" } });
  const cancelAll = h("button", { type: "button" });
  const offer = h("div", { class: "closure-cancel", hidden: true }, reasonField, cancelAll);
  let confirmed = false;
  const value = (id) => document.getElementById(id).value.trim();
  const closure = () => {
    const c = { name: value("closure-name"), from: value("closure-from") };
    if (value("closure-to")) c.to = value("closure-to");
    if (value("closure-from-time")) c.from_time = value("closure-from-time");
    if (value("closure-to-time")) c.to_time = value("closure-to-time");
    return c;
  };
  const reset = () => {
    confirmed = false;
    warning.hidden = true;
    offer.hidden = true;
    fill(submit, tx.addClosure);
    submit.classList.remove("secondary");
  };
  const added = async (answer) => {
    reset();
    form.reset();
    await listClosures(list, box);
    const record = document.getElementById("library-audit-h")?.nextElementSibling;
    if (record) await listLibraryAudit(record);
    let done = tx.closureAdded;
    if (answer.cancelled.length) done += ` ${tx.closureCancelled(answer.cancelled.length)}`;
    if (answer.affected.length) done += ` ${tx.closureKept(answer.affected.length)}`;
    showDone(box, done);
  };
  const form = h("form", { onsubmit: (e) => {
    e.preventDefault();
    const c = closure();
    busy(submit, box, async () => {
      if (!confirmed) {
        const preview = await api.addClosure({ ...c, preview: true });
        if (preview.affected.length) {
          const n = preview.affected.length;
          confirmed = true;
          warning.hidden = false;
          fill(warning, h("p", {}, tx.overlapWarning(n)),
            h("ul", {}, preview.affected.map((a) => h("li", {},
              h("a", { href: `#appointment/${a.id}` }, `${when(a.start)} ${a.customer.name}`)))));
          const reason = document.getElementById("closure-reason");
          if (!reason.value) reason.value = tx.closureReasonDefault(c.name);
          fill(cancelAll, tx.closeAndCancel(n));
          offer.hidden = false;
          fill(submit, tx.addAnyway);
          submit.classList.add("secondary");
          return;
        }
      }
      await added(await api.addClosure(c));
    });
  } },
    field({ id: "closure-name", label: tx.closureName, required: true, attrs: { maxlength: 200, "data-field": "name" } }),
    field({ id: "closure-from", label: tx.fromDate, type: "date", required: true, attrs: { "data-field": "from" } }),
    field({ id: "closure-to", label: tx.toDate, type: "date", attrs: { "data-field": "to" } }),
    field({ id: "closure-from-time", label: tx.fromTime, type: "time", hint: tx.hoursHint, attrs: { "data-field": "from_time" } }),
    field({ id: "closure-to-time", label: tx.toTime, type: "time", attrs: { "data-field": "to_time" } }),
    warning, offer, submit);
  cancelAll.addEventListener("click", () =>
    busy(cancelAll, box, async () => {
      await added(await api.addClosure({ ...closure(), cancel_reason: value("closure-reason") }));
    }));
  form.addEventListener("input", (e) => {
    if (confirmed && e.target.id !== "closure-reason") reset();
  });
  return h("section", { class: "action", "aria-labelledby": "add-closure-h" },
    h("h2", { id: "add-closure-h" }, tx.addClosureHeading), form);
}

// ---- failed mail ------------------------------------------------------------------------------

export async function mail() {
  const tx = t();
  const { main } = page(tx.mailFailedHeading);
  const box = statusBox();
  const list = h("div", {});
  main.append(h("p", {}, tx.mailFailedIntro), box, list);
  await listFailed(list, box);
}

async function listFailed(list, box) {
  const tx = t();
  let answer;
  try {
    answer = await api.failedMail();
  } catch (e) {
    return showError(box, e);
  }
  if (!answer.appointments.length) return fill(list, h("p", {}, tx.noFailedMail));
  fill(list, answer.appointments.map((a) => {
    const id = `retry-email-${a.id}`;
    const input = h("input", { id, type: "email", value: a.customer.email, required: true });
    const button = h("button", { type: "submit" }, tx.retry);
    return h("form", { class: "card", onsubmit: (e) => {
      e.preventDefault();
      busy(button, box, async () => {
        const email = input.value.trim() === a.customer.email ? null : input.value.trim();
        await api.retryMail(a.id, email);
        // The form sent is gone from the list: the focus goes to what was done.
        await keepingFocus(list, () => listFailed(list, box), box);
        showDone(box, tx.retried);
      });
    } },
      h("h2", {}, h("a", { href: `#appointment/${a.id}` }, `${when(a.start)} · ${a.customer.name}`)),
      h("p", { class: "field-error" }, tx.mailFailure(a.mail.failure, a.mail.failure_kind, a.mail.attempts)),
      h("label", { for: id }, tx.retryEmail(a.customer.name)), input, button);
  }));
}

// ---- export and a patron's data ------------------------------------------------------------

/** Offers `blob` as a download called `name`. */
export async function data() {
  const tx = t();
  const { main } = page(tx.dataHeading);
  const box = statusBox();
  const exportButton = h("button", { type: "submit", value: "csv" }, tx.exportButton);
  const xlsxButton = h("button", { type: "submit", value: "xlsx", class: "secondary" }, tx.exportXlsxButton);
  const exportForm = h("form", { onsubmit: (e) => {
    e.preventDefault();
    const format = e.submitter?.value === "xlsx" ? "xlsx" : "csv";
    const button = format === "xlsx" ? xlsxButton : exportButton;
    const from = document.getElementById("export-from").value;
    const to = document.getElementById("export-to").value || from;
    busy(button, box, async () => {
      download(await api.exportFile(from, to, format), `appointments-${from}-${to}.${format}`);
      showDone(box, tx.exported);
    });
  } },
    h("div", { class: "toolbar" },
      field({ id: "export-from", label: tx.fromDate, type: "date", value: today(), required: true }),
      field({ id: "export-to", label: tx.toDate, type: "date", value: addDays(today(), 30) }),
      exportButton, xlsxButton));

  const email = () => document.getElementById("patron-email").value.trim();
  const exportPatron = h("button", { type: "button", class: "secondary", onclick: () => {
    if (!document.getElementById("patron-email").reportValidity()) return;
    busy(exportPatron, box, async () => {
      const json = await api.patronExport(email());
      download(new Blob([JSON.stringify(json, null, 2)], { type: "application/json" }), "patron-data.json");
      showDone(box, tx.exported);
    });
  } }, tx.patronExport);
  const confirmRow = h("div", { class: "confirm-row", hidden: true });
  const erase = h("button", { type: "button", class: "danger", onclick: () => {
    if (!document.getElementById("patron-email").reportValidity()) return;
    fill(confirmRow, h("p", { id: "erase-confirm" }, tx.confirmErase(email())), yes, no);
    confirmRow.hidden = false;
    yes.focus();
  } }, tx.patronErase);
  const yes = h("button", { type: "button", class: "danger", "aria-describedby": "erase-confirm", onclick: () =>
    busy(yes, box, async () => {
      const report = await api.patronErase(email(), document.getElementById("erase-reason").value);
      confirmRow.hidden = true;
      showDone(box, tx.erased(report));
      erase.focus();
    }) }, tx.yesErase);
  const no = h("button", { type: "button", class: "secondary", onclick: () => {
    confirmRow.hidden = true;
    erase.focus();
  } }, tx.no);

  main.append(box,
    h("section", { "aria-labelledby": "export-h" }, h("h2", { id: "export-h" }, tx.exportHeading), exportForm),
    h("section", { class: "action", "aria-labelledby": "patron-h" },
      h("h2", { id: "patron-h" }, tx.patronHeading),
      h("p", {}, tx.patronIntro),
      field({ id: "patron-email", label: tx.patronEmail, type: "email", required: true }),
      h("div", { class: "field" }, h("label", { for: "erase-reason" }, tx.eraseReason),
        h("textarea", { id: "erase-reason", rows: 2, maxlength: 1000 })),
      h("div", { class: "confirm-row" }, exportPatron, erase),
      confirmRow));
}

