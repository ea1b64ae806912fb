// The booking form's checks: the server's rules with the numbers the server serves
// (`GET /api/services` → policy.limits and policy.required_fields), so that a patron hears
// about a mistake at step 3 rather than after Confirm. The server checks again; its answer
// wins if the two ever disagree. tests/cases/email.json holds the email cases both pass.

// One-line values: control and line-separator characters, and every format character (Cf:
// bidi marks, zero-width characters, the BOM, tag characters), as on the server.
const FORBIDDEN_IN_LINE = /[\p{Cc}\u2028\u2029\p{Cf}]/u;
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// Characters a URL parser reads as structure: never part of a domain.
const URL_STRUCTURE = /[%/?#\\:@[\]]/u;
const LABEL = /^[A-Za-z0-9-]+$/u;

const chars = (s) => [...s].length;
// Trims what the server's `str::trim` trims (Unicode White_Space); JavaScript's own trim()
// also strips U+FEFF, which the server refuses instead.
const trim = (s) => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, "");
const bytes = (s) => new TextEncoder().encode(s).length;

/**
 * `email` with its domain in ASCII form if it follows the server's rule (`rule` is
 * policy.limits.email), else null. The domain goes through the browser's URL parser, which
 * applies the same IDNA mapping as the server (the WHATWG URL standard's).
 */
export function emailAscii(email, rule) {
  if (FORBIDDEN_IN_LINE.test(email) || /\s/u.test(email)) return null;
  const at = email.indexOf("@");
  if (at < 0) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dotAtom =
    local.length > 0 &&
    local.length <= rule.local_max &&
    !local.startsWith(".") &&
    !local.endsWith(".") &&
    !local.includes("..") &&
    [...local].every((c) => /[A-Za-z0-9.]/u.test(c) || rule.local_specials.includes(c));
  if (!dotAtom || URL_STRUCTURE.test(domain)) return null;
  let ascii;
  try {
    ascii = new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
  const labels = ascii.split(".");
  const labelOk = (l) => l.length >= 1 && l.length <= rule.label_max && LABEL.test(l) && !l.startsWith("-") && !l.endsWith("-");
  const ok =
    ascii.length <= rule.domain_max && labels.length >= 2 && labels.every(labelOk) && /^[A-Za-z]/u.test(labels.at(-1));
  return ok ? `${local}@${ascii}` : null;
}

/**
 * Checks the form against `policy` (the `policy` of `GET /api/services`: `required_fields`
 * and `limits`). Returns [{field, code}] with the API's field names and codes.
 */
export function validate(form, policy, questions = []) {
  const limits = policy.limits;
  const required = policy.required_fields || ["name", "email"];
  const errors = [];
  const add = (field, code) => errors.push({ field, code });
  const name = trim(form.name);
  if (!name) add("customer.name", "required");
  else if (FORBIDDEN_IN_LINE.test(name)) add("customer.name", "invalid");
  else if (chars(name) > limits.name_max) add("customer.name", "too_long");

  const email = trim(form.email);
  if (!email) add("customer.email", "required");
  else if (bytes(email) > limits.email.max_bytes) add("customer.email", "too_long");
  else if (!emailAscii(email, limits.email)) add("customer.email", "invalid");

  const phone = trim(form.phone);
  if (!phone) {
    if (required.includes("phone")) add("customer.phone", "required");
  } else {
    const digits = (phone.match(/[0-9]/g) || []).length;
    const allowed = /^\+?[0-9 ()./-]*$/u.test(phone);
    if (chars(phone) > limits.phone_max) add("customer.phone", "too_long");
    else if (!allowed || digits < limits.phone_digits_min || digits > limits.phone_digits_max) add("customer.phone", "invalid");
  }

  const notes = trim(form.notes).replace(/\r\n/g, "\n");
  if (!notes) {
    if (required.includes("notes")) add("notes", "required");
  } else if (FORBIDDEN_IN_TEXT.test(notes)) add("notes", "invalid");
  else if (chars(notes) > limits.text_max) add("notes", "too_long");

  for (const q of questions) {
    const field = `answers.${q.id}`;
    const value = (form.answers || {})[q.id];
    if (q.kind === "text") {
      const answer = typeof value === "string" ? trim(value).replace(/\r\n/g, "\n") : "";
      if (!answer) {
        if (q.required) add(field, "required");
      } else if (FORBIDDEN_IN_TEXT.test(answer)) add(field, "invalid");
      else if (chars(answer) > limits.answer_text_max) add(field, "too_long");
    } else {
      const answered = q.kind === "choices" ? Array.isArray(value) && value.length > 0 : q.kind === "yes_no" ? typeof value === "boolean" : Boolean(value);
      if (!answered && q.required) add(field, "required");
    }
  }

  if (!form.accept_terms) add("accept_terms", "must_accept");
  if (!form.accept_privacy) add("accept_privacy", "must_accept");
  return errors;
}
