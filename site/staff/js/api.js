// The staff API (openapi.yaml, tag "staff"), on this origin under /api/staff, signed in with
// the bearer token auth.js keeps.

import { token } from "./auth.js";

/** The service could not be reached. */
export class NetworkError extends Error {}

/** An answer that is not a success: `status` and the problem+json document. */
export class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function call(path, { method = "GET", body, raw = false } = {}) {
  const headers = { Accept: raw ? "*/*" : "application/json", Authorization: `Bearer ${token() || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`/api/staff${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (e) {
    throw new NetworkError(String(e));
  }
  if (raw && response.ok) return response.blob();
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (!response.ok) throw new Problem(response.status, parsed);
  return parsed;
}

const post = (path, body) => call(path, { method: "POST", body });
const id = (s) => encodeURIComponent(s);

export const me = () => call("/me");
export const agenda = (from, to, provider) =>
  call(`/agenda?${new URLSearchParams({ from, to, provider: provider || "all" })}`);
export const appointment = (a) => call(`/appointments/${id(a)}`);
export const cancel = (a, reason) => post(`/appointments/${id(a)}/cancel`, { reason });
export const meeting = (a, url) => post(`/appointments/${id(a)}/meeting`, { url });
export const attendance = (a, attended) => post(`/appointments/${id(a)}/attendance`, { attended });
export const closures = () => call("/closures");
export const addClosure = (closure) => post("/closures", closure);
export const removeClosure = (c) => call(`/closures/${id(c)}`, { method: "DELETE" });
export const exportFile = (from, to, format) => call(`/export?${new URLSearchParams({ from, to, format })}`, { raw: true });
export const statistics = (from, to) => call(`/statistics?${new URLSearchParams({ from, to })}`);
export const statisticsFile = (from, to) => call(`/statistics?${new URLSearchParams({ from, to, format: "csv" })}`, { raw: true });
export const patronExport = (email) => post("/patrons/export", { email });
export const patronErase = (email, reason) => post("/patrons/erase", { email, reason });
export const failedMail = () => call("/mail/failed");
export const libraryAudit = () => call("/audit");
export const retryMail = (a, email) => post(`/mail/${id(a)}/retry`, email ? { email } : {});

/** The library's catalogue (public): its name and the providers' names. */
export async function services() {
  const r = await fetch("/api/services", { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Problem(r.status, null);
  return r.json();
}
