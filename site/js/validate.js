// The booking form's checks, the same rules the server applies (shared/domain/src/patron.rs),
// so that a patron hears about a mistake at step 3 rather than after Confirm. The server
// checks again; its answer wins if the two ever disagree.

const FORBIDDEN_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// A practical address check: one @, no spaces, a dotted domain. The server's parser decides.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/u;

const chars = (s) => [...s].length;

/**
 * Checks the form. `required` lists the optional fields the library requires ("phone",
 * "notes"). Returns [{field, code}] with the API's field names and codes.
 */
export function validate(form, required) {
  const errors = [];
  const add = (field, code) => errors.push({ field, code });
  const name = form.name.trim();
  if (!name) add("customer.name", "required");
  else if (FORBIDDEN_IN_LINE.test(name)) add("customer.name", "invalid");
  else if (chars(name) > 100) add("customer.name", "too_long");

  const email = form.email.trim();
  if (!email) add("customer.email", "required");
  else if (email.length > 254) add("customer.email", "too_long");
  else if (!EMAIL.test(email) || FORBIDDEN_IN_LINE.test(email)) add("customer.email", "invalid");

  const phone = form.phone.trim();
  if (!phone) {
    if (required.includes("phone")) add("customer.phone", "required");
  } else {
    const digits = (phone.match(/[0-9]/g) || []).length;
    const allowed = /^\+?[0-9 ()./-]*$/u.test(phone);
    if (chars(phone) > 30) add("customer.phone", "too_long");
    else if (!allowed || digits < 7 || digits > 15) add("customer.phone", "invalid");
  }

  const notes = form.notes.trim().replace(/\r\n/g, "\n");
  if (!notes) {
    if (required.includes("notes")) add("notes", "required");
  } else if (FORBIDDEN_IN_TEXT.test(notes)) add("notes", "invalid");
  else if (chars(notes) > 1000) add("notes", "too_long");

  if (!form.accept_terms) add("accept_terms", "must_accept");
  if (!form.accept_privacy) add("accept_privacy", "must_accept");
  return errors;
}
