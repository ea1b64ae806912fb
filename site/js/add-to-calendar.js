// "Add to calendar" on the done page, as LibCal and Calendly patrons expect: Google Calendar
// and Outlook.com by their published "template" links (no account of ours, nothing sent to us),
// and an `.ics` file made here (RFC 5545, the same event the confirmation mail carries: its UID,
// the appointment's page as URL, an alarm 15 minutes before).

/** `2026-12-01T08:00:00.000Z` → `20261201T080000Z`. */
export function icsTime(iso) {
  return new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** A TEXT value escaped as RFC 5545 §3.3.11 asks: backslash, semicolon, comma, newline. */
export function icsText(value) {
  return String(value)
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
}

/** Folds a content line at 75 octets (§3.1), never inside a UTF-8 character. */
function fold(line) {
  const bytes = new TextEncoder();
  const out = [];
  let current = "";
  for (const ch of line) {
    const limit = out.length ? 74 : 75; // a continuation line starts with a space
    if (bytes.encode(current + ch).length > limit) {
      out.push(current);
      current = ch;
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.join("\r\n ");
}

/** The `.ics` text of `event`: {uid, start, end, title, description, url, now}. */
export function icsFile({ uid, start, end, title, description, url, now = new Date().toISOString() }) {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//rantevou//booking site//EN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${icsText(uid)}`,
    `DTSTAMP:${icsTime(now)}`,
    `DTSTART:${icsTime(start)}`,
    `DTEND:${icsTime(end)}`,
    `SUMMARY:${icsText(title)}`,
    `DESCRIPTION:${icsText(description)}`,
    url ? `URL:${url}` : null,
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    `DESCRIPTION:${icsText(title)}`,
    "TRIGGER;RELATED=START:-PT15M",
    "END:VALARM",
    "END:VEVENT",
    "END:VCALENDAR",
  ].filter(Boolean);
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

/** Google Calendar's event template link. */
export function googleUrl({ start, end, title, description }) {
  const q = new URLSearchParams({
    action: "TEMPLATE",
    text: title,
    dates: `${icsTime(start)}/${icsTime(end)}`,
    details: description,
  });
  return `https://calendar.google.com/calendar/render?${q}`;
}

/** Outlook.com's compose deep link. */
export function outlookUrl({ start, end, title, description }) {
  const q = new URLSearchParams({
    path: "/calendar/action/compose",
    rru: "addevent",
    subject: title,
    startdt: new Date(start).toISOString(),
    enddt: new Date(end).toISOString(),
    body: description,
  });
  return `https://outlook.live.com/calendar/0/deeplink/compose?${q}`;
}
