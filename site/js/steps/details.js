// Step 3: your details — the form, its errors next to the fields and in a summary that
// takes the focus.

import { h, fill } from "../dom.js";
import { backButton, frame, nav, register, show } from "../flow.js";
import { FIELD_IDS, localized, main, state, t } from "../state.js";
import { suggestEmail } from "../typo.js";
import { validate } from "../validate.js";
import { powStatus, startPow } from "./pow-status.js";
import { questionFieldId, questionFields, questionsAsked } from "./questions.js";
import { showLinksAgain } from "./service.js";

register(3, renderDetails);

function renderDetails() {
  const text = t();
  const required = state.catalog.policy.required_fields || ["name", "email"];
  const library = state.catalog.library;
  const errorFor = (field) => state.errors.find((e) => e.field === field);
  const describedBy = (id, hint, field) =>
    [hint ? `${id}-hint` : null, errorFor(field) ? `${id}-error` : null].filter(Boolean).join(" ") || null;
  const errorLine = (id, field) => {
    const error = errorFor(field);
    if (!error) return null;
    // At the library's limit: the way to the links of the appointments already booked.
    const again =
      error.code === "too_many_active"
        ? [" ", h("button", { type: "button", class: "link", id: "to-links-again", onclick: showLinksAgain }, text.againOffer)]
        : null;
    return h("p", { id: `${id}-error`, class: "field-error" }, messageFor(error), again);
  };
  const input = (key, field, { type = "text", autocomplete, hint, inputmode, onchange, after } = {}) => {
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
        onchange,
      }),
      after,
    );
  };
  // A likely typo in the address's domain is pointed out, with the fix one press away; the
  // address is never refused for it.
  const suggestion = h("div", { id: "email-suggestion", "aria-live": "polite" });
  const suggest = () => {
    const library = String(state.catalog.library.email || "").split("@")[1];
    const meant = suggestEmail(state.form.email, library ? [library] : []);
    if (!meant) return fill(suggestion);
    const use = () => {
      state.form.email = meant;
      const field = document.getElementById(FIELD_IDS["customer.email"]);
      field.value = meant;
      fill(suggestion);
      field.focus();
    };
    fill(
      suggestion,
      h(
        "p",
        { class: "hint suggestion" },
        text.emailDidYouMean[0],
        " ",
        h("button", { type: "button", class: "link", id: "email-use", onclick: use }, meant),
        text.emailDidYouMean[1],
      ),
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
    input("email", "customer.email", { type: "email", autocomplete: "email", hint: text.emailHint, onchange: suggest, after: suggestion }),
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
    questionFields(errorFor, errorLine),
    check("accept_terms", "accept_terms", text.acceptTerms, localized(library.terms_url), text.termsLink),
    check("accept_privacy", "accept_privacy", text.acceptPrivacy, localized(library.privacy_url), text.privacyLink),
    nav(backButton(), h("button", { type: "submit", class: "primary" }, text.next)),
  );
  fill(main, frame(3, text.detailsHeading), errorSummary(), h("p", null, text.detailsIntro), form, powStatus());
  suggest();
  // The bot check runs while the patron types.
  startPow();
}

/** The list of mistakes at the top of the form, each a link to its field. */
export function errorSummary() {
  if (!state.errors.length) return null;
  return h(
    "div",
    { class: "error-summary", id: "error-summary", role: "alert", tabindex: "-1", "aria-labelledby": "error-summary-title" },
    h("h2", { id: "error-summary-title" }, t().errorSummary),
    h(
      "ul",
      null,
      state.errors.map((error) => {
        const id = fieldId(error.field);
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

/** The id of the control a field's error leads to. */
const fieldId = (field) => FIELD_IDS[field] || (field.startsWith("answers.") ? questionFieldId(field) : null);

/** The message for a field error in the page's language; the server's own when unknown. */
export function messageFor(error) {
  const text = t();
  const own = error.field.startsWith("answers.") ? text.answerErrors[error.code] : text.errors[error.field]?.[error.code];
  return own || error.message || error.code;
}

function detailsNext(event) {
  event.preventDefault();
  state.errors = validate(state.form, state.catalog.policy, questionsAsked());
  if (state.errors.length) {
    renderDetails();
    document.getElementById("error-summary")?.focus();
    return;
  }
  show(4);
}
