// "Lost the email? Send me my links", on step 1 (and offered where a booking is refused
// because the address already holds as many appointments as the library allows): an address,
// the bot check, and the server mails that address the links of its upcoming appointments.
// The answer is the same whatever the address, so the page never tells who booked.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import * as pow from "../pow.js";
import { state, t } from "../state.js";
import { checkNeeded } from "./pow-status.js";

/** The section, closed unless `open`; the address typed on the form is filled in. */
export function linksAgainSection({ open = false } = {}) {
  const text = t();
  const status = h("div", { id: "again-status", role: "status" });
  const form = h(
    "form",
    { id: "links-again-form", novalidate: true, onsubmit: send },
    h(
      "div",
      { class: "field" },
      h("label", { for: "a-email" }, text.email),
      h("p", { id: "a-email-error", class: "field-error", hidden: true }),
      h("input", {
        id: "a-email",
        type: "email",
        autocomplete: "email",
        spellcheck: "false",
        required: true,
        value: state.form.email,
        "aria-describedby": "a-email-error",
      }),
    ),
    h("button", { type: "submit", id: "again-button" }, text.againButton),
    status,
  );
  return h(
    "details",
    { class: "waitlist", id: "links-again", open },
    h("summary", null, text.againHeading),
    h("p", { class: "hint" }, text.againIntro),
    form,
  );
}

function showError(message) {
  const line = document.getElementById("a-email-error");
  const field = document.getElementById("a-email");
  line.textContent = message || "";
  line.hidden = !message;
  if (message) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  } else {
    field.removeAttribute("aria-invalid");
  }
}

async function send(event) {
  event.preventDefault();
  const text = t();
  const email = document.getElementById("a-email").value.trim();
  if (!email) return showError(text.errors["customer.email"].required);
  showError(null);
  const button = document.getElementById("again-button");
  const status = document.getElementById("again-status");
  button.disabled = true;
  fill(status, h("p", { class: "hint" }, text.againWorking));
  try {
    const challenge = checkNeeded() ? await pow.prepare() : undefined;
    pow.used();
    await api.resend({ email, language: state.lang, challenge });
    fill(status, h("p", { class: "notice", tabindex: "-1", id: "again-done" }, text.againDone(email)));
    document.getElementById("again-done").focus();
  } catch (e) {
    const error = e instanceof api.Problem ? (e.body.errors || []).find((x) => x.field === "email") : null;
    if (error) {
      fill(status);
      showError(text.errors["customer.email"]?.[error.code] || error.message);
    } else {
      const message =
        e instanceof api.Problem && e.status === 429 ? text.tooMany : e instanceof api.NetworkError ? text.networkError : text.serverError;
      fill(status, h("p", { role: "alert" }, message));
    }
  } finally {
    button.disabled = false;
  }
}
