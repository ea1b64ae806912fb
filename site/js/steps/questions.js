// Step 3's questions: what the chosen service asks besides the patron's details
// (`questions` of `GET /api/services`), drawn with the form's own accessibility — a label or a
// legend, the help under it, the error next to it, every control reachable by keyboard — and
// sent as `answers` (an option's id, a list of ids, a text, a boolean).

import { h } from "../dom.js";
import { localized, service, state, t } from "../state.js";

/** The questions of the chosen service. */
export const questionsAsked = () => service()?.questions || [];

/** The id of the control a question's error leads to: its text box, or its first choice. */
export function questionFieldId(field) {
  const id = field.slice("answers.".length);
  const q = questionsAsked().find((question) => question.id === id);
  if (!q) return null;
  return q.kind === "text" ? `q-${q.id}` : `q-${q.id}-0`;
}

/** The answers to send: only the questions answered, in the API's shapes. */
export function answersToSend(answers) {
  const out = {};
  for (const q of questionsAsked()) {
    const value = answers[q.id];
    if (q.kind === "text" && typeof value === "string" && value.trim()) out[q.id] = value;
    else if (q.kind === "choice" && value) out[q.id] = value;
    else if (q.kind === "choices" && Array.isArray(value) && value.length) out[q.id] = value;
    else if (q.kind === "yes_no" && typeof value === "boolean") out[q.id] = value;
  }
  return out;
}

/** An answer in words, for the summary: option labels, yes/no, or the text. */
export function answerText(q, value) {
  const label = (id) => localized(q.options?.find((o) => o.id === id)?.label) || id;
  if (q.kind === "text") return typeof value === "string" ? value.trim() : "";
  if (q.kind === "choice") return value ? label(value) : "";
  if (q.kind === "choices") return (Array.isArray(value) ? value : []).map(label).join(", ");
  if (q.kind === "yes_no") return value === true ? t().yes : value === false ? t().no : "";
  return "";
}

/** The form's fields for every question, with `errorLine(id, field)` for their errors. */
export function questionFields(errorFor, errorLine) {
  const text = t();
  const answers = state.form.answers;
  return questionsAsked().map((q) => {
    const field = `answers.${q.id}`;
    const base = `q-${q.id}`;
    const error = errorFor(field);
    const help = q.help ? h("p", { id: `${base}-hint`, class: "hint" }, localized(q.help)) : null;
    const describedBy = [help ? `${base}-hint` : null, error ? `${base}-error` : null].filter(Boolean).join(" ") || null;
    const star = q.required ? h("span", { class: "req" }, " *") : null;
    if (q.kind === "text") {
      return h(
        "div",
        { class: "field" },
        h("label", { for: base }, localized(q.label), star),
        help,
        errorLine(base, field),
        h("input", {
          id: base,
          name: base,
          type: "text",
          maxlength: String(state.catalog.policy.limits.answer_text_max || 300),
          required: q.required,
          value: answers[q.id] || "",
          "aria-invalid": error ? "true" : null,
          "aria-describedby": describedBy,
          oninput: (e) => (answers[q.id] = e.target.value),
        }),
      );
    }
    const options =
      q.kind === "yes_no"
        ? [
            { id: true, label: text.yes },
            { id: false, label: text.no },
          ]
        : q.options.map((o) => ({ id: o.id, label: localized(o.label) }));
    const many = q.kind === "choices";
    const checked = (id) => (many ? (answers[q.id] || []).includes(id) : answers[q.id] === id);
    const onchange = (id) => (e) => {
      if (!many) {
        answers[q.id] = id;
        return;
      }
      const picked = new Set(answers[q.id] || []);
      if (e.target.checked) picked.add(id);
      else picked.delete(id);
      answers[q.id] = q.options.map((o) => o.id).filter((o) => picked.has(o));
    };
    return h(
      "fieldset",
      { class: "field choice question", id: base, "aria-describedby": describedBy },
      h("legend", null, localized(q.label), star),
      help,
      errorLine(base, field),
      options.map((o, i) =>
        h(
          "div",
          { class: "check" },
          h("input", {
            type: many ? "checkbox" : "radio",
            id: `${base}-${i}`,
            name: base,
            value: String(o.id),
            required: q.required && !many ? true : null,
            checked: checked(o.id),
            "aria-invalid": error ? "true" : null,
            onchange: onchange(o.id),
          }),
          h("label", { for: `${base}-${i}` }, o.label),
        ),
      ),
    );
  });
}
