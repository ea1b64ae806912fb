// "Tell me if a time frees up", under step 2's calendar: a day (the chosen one, or any other,
// a full one included), an address and the privacy consent, with the booking form's bot check.
// The server writes once, when a time frees on that day; the mail that confirms the entry
// carries the link that leaves the list.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import * as d from "../dates.js";
import * as pow from "../pow.js";
import { localized, state, t } from "../state.js";
import { checkNeeded } from "./pow-status.js";

/** The section, closed until the patron opens it. */
export function waitlistSection() {
  const text = t();
  const library = state.catalog.library;
  const status = h("div", { id: "wait-status", role: "status" });
  const form = h(
    "form",
    { id: "waitlist", novalidate: true, onsubmit: join },
    h(
      "div",
      { class: "field" },
      h("label", { for: "w-date" }, text.waitDate),
      h("p", { id: "w-date-error", class: "field-error", hidden: true }),
      h("input", {
        id: "w-date",
        type: "date",
        required: true,
        min: state.today,
        max: state.lastDay,
        value: state.day || "",
        "aria-describedby": "w-date-error",
      }),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "w-email" }, text.email),
      h("p", { id: "w-email-error", class: "field-error", hidden: true }),
      h("input", {
        id: "w-email",
        type: "email",
        autocomplete: "email",
        spellcheck: "false",
        required: true,
        value: state.form.email,
        "aria-describedby": "w-email-error",
      }),
    ),
    h(
      "div",
      { class: "field" },
      h("p", { id: "w-privacy-error", class: "field-error", hidden: true }),
      h(
        "div",
        { class: "check" },
        h("input", { type: "checkbox", id: "w-privacy", required: true, "aria-describedby": "w-privacy-error" }),
        h("label", { for: "w-privacy" }, text.acceptPrivacy),
      ),
      h("p", { class: "doc-link" }, h("a", { href: localized(library.privacy_url), target: "_blank", rel: "noopener" }, text.privacyLink)),
    ),
    h("button", { type: "submit", id: "wait-button" }, text.waitButton),
    status,
  );
  return h(
    "details",
    { class: "waitlist", id: "waitlist-section" },
    h("summary", null, text.waitHeading),
    h("p", { class: "hint" }, text.waitIntro),
    h("p", { id: "wait-chosen", class: "notice", hidden: true }),
    form,
  );
}

const FIELDS = { date: "w-date", email: "w-email", accept_privacy: "w-privacy" };

function showErrors(errors) {
  for (const id of Object.values(FIELDS)) {
    const line = document.getElementById(`${id}-error`);
    line.hidden = true;
    line.textContent = "";
    document.getElementById(id).removeAttribute("aria-invalid");
  }
  let first = null;
  for (const error of errors) {
    const id = FIELDS[error.field];
    if (!id) continue;
    const line = document.getElementById(`${id}-error`);
    line.textContent = error.message;
    line.hidden = false;
    document.getElementById(id).setAttribute("aria-invalid", "true");
    first ??= document.getElementById(id);
  }
  first?.focus();
  return first !== null;
}

async function join(event) {
  event.preventDefault();
  const text = t();
  const date = document.getElementById("w-date").value;
  const email = document.getElementById("w-email").value.trim();
  const privacy = document.getElementById("w-privacy").checked;
  const local = [];
  if (!date) local.push({ field: "date", message: text.waitDateRequired });
  if (!email) local.push({ field: "email", message: text.errors["customer.email"].required });
  if (!privacy) local.push({ field: "accept_privacy", message: text.waitPrivacyRequired });
  if (showErrors(local)) return;
  const button = document.getElementById("wait-button");
  const status = document.getElementById("wait-status");
  button.disabled = true;
  fill(status, h("p", { class: "hint" }, text.waitWorking));
  try {
    const challenge = checkNeeded() ? await pow.prepare() : undefined;
    pow.used();
    await api.waitlist({ service: state.serviceId, date, email, language: state.lang, accept_privacy: true, challenge });
    const when = d.longDate(date, text.locale);
    fill(status, h("p", { class: "notice", tabindex: "-1", id: "wait-done" }, text.waitDone(email, when)));
    document.getElementById("wait-done").focus();
  } catch (e) {
    const errors = e instanceof api.Problem ? e.body.errors || [] : [];
    if (!showErrors(errors)) {
      const message =
        e instanceof api.Problem && e.status === 429 ? text.tooMany : e instanceof api.NetworkError ? text.networkError : text.serverError;
      fill(status, h("p", { role: "alert" }, message));
    } else {
      fill(status);
    }
  } finally {
    button.disabled = false;
  }
}
