// The HTTP API (see openapi.yaml), on the site's own origin under /api.

const BASE = "/api";

/** The service could not be reached (offline, DNS, connection reset). */
export class NetworkError extends Error {}

/** An answer that is not a success: `status` and the problem+json document. */
export class Problem extends Error {
  constructor(status, body) {
    super(body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  /** The stable type slug: "slot-taken", "validation", … */
  get slug() {
    return String(this.body.type || "").split("/").pop();
  }
}

async function call(path, init) {
  let response;
  try {
    response = await fetch(BASE + path, { ...init, headers: { Accept: "application/json", ...init?.headers } });
  } catch (e) {
    throw new NetworkError(String(e));
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new Problem(response.status, body);
  return body;
}

export const services = () => call("/services");

/** A bot-check challenge (the ALTCHA protocol's fields). */
export const challenge = () => call("/challenge");

export function availability({ service, provider, from, to }) {
  const q = new URLSearchParams({ service, from, to });
  if (provider && provider !== "any") q.set("provider", provider);
  return call(`/availability?${q}`);
}

export function book(body, idempotencyKey) {
  return call("/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
    body: JSON.stringify(body),
  });
}

/** Mails an address the links of its upcoming appointments again (202, whatever it holds). */
export function resend(body) {
  return call("/appointments/resend", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Puts an address on the waiting list of a day (202, whatever it was before). */
export function waitlist(body) {
  return call("/waitlist", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Takes entry `id` off the waiting list with the token of its link. */
export function leaveWaitlist(id, token) {
  return waitlistLink("/waitlist/leave", id, token);
}

/** Confirms the join `id` to the waiting list with its mail's `token`. */
export function confirmWaitlist(id, token) {
  return waitlistLink("/waitlist/confirm", id, token);
}

function waitlistLink(path, id, token) {
  return call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ id, token }),
  });
}

/** Moves appointment `id` (as read at `version`) to `start`, with its manage `token` and the
 * bot check's `challenge` solved (when the library asks for one). */
export function reschedule(id, { token, start, version, challenge }) {
  return call(`/appointments/${encodeURIComponent(id)}/reschedule`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token, start, version, challenge }),
  });
}

/** A random UUID (v4); crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
