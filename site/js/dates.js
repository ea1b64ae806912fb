// Calendar arithmetic on plain dates ("YYYY-MM-DD", the library's calendar) and formatting
// of instants in the library's time zone. Dates are handled as UTC midnights so that the
// browser's own zone and its daylight-saving switches never shift a day.

const DAY_MS = 86_400_000;

const toUtc = (iso) => {
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
};
const fromUtc = (ms) => new Date(ms).toISOString().slice(0, 10);

/** Today's date in `timeZone` (the library's), whatever the browser's zone. */
export function todayIn(timeZone, now = new Date()) {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export const addDays = (iso, n) => fromUtc(toUtc(iso) + n * DAY_MS);

/** "YYYY-MM" of a date. */
export const monthOf = (iso) => iso.slice(0, 7);

export function addMonths(month, n) {
  const [y, m] = month.split("-").map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export const firstOfMonth = (month) => `${month}-01`;
export const lastOfMonth = (month) => addDays(firstOfMonth(addMonths(month, 1)), -1);

/** Monday = 0 … Sunday = 6. */
export const weekdayIndex = (iso) => (new Date(toUtc(iso)).getUTCDay() + 6) % 7;

/** The weeks of a month, Monday first; days outside the month are null. */
export function monthGrid(month) {
  const first = firstOfMonth(month);
  const last = lastOfMonth(month);
  const weeks = [];
  let week = new Array(weekdayIndex(first)).fill(null);
  for (let day = first; day <= last; day = addDays(day, 1)) {
    week.push(day);
    if (week.length === 7) {
      weeks.push(week);
      week = [];
    }
  }
  if (week.length) weeks.push(week.concat(new Array(7 - week.length).fill(null)));
  return weeks;
}

/** The part of `month` inside [min, max], or null when none of it is. */
export function rangeIn(month, min, max) {
  const from = firstOfMonth(month) > min ? firstOfMonth(month) : min;
  const to = lastOfMonth(month) < max ? lastOfMonth(month) : max;
  return from <= to ? { from, to } : null;
}

/**
 * Where a calendar key takes the focus from `iso` (the date-picker keys of the WAI-ARIA
 * Authoring Practices), or null for a key the calendar does not handle.
 */
export function dateForKey(iso, key) {
  switch (key) {
    case "ArrowLeft": return addDays(iso, -1);
    case "ArrowRight": return addDays(iso, 1);
    case "ArrowUp": return addDays(iso, -7);
    case "ArrowDown": return addDays(iso, 7);
    case "Home": return addDays(iso, -weekdayIndex(iso));
    case "End": return addDays(iso, 6 - weekdayIndex(iso));
    case "PageUp": return sameDayIn(iso, -1);
    case "PageDown": return sameDayIn(iso, 1);
    default: return null;
  }
}

/** The same day of the month `n` months away, or that month's last day if it is shorter. */
function sameDayIn(iso, n) {
  const month = addMonths(monthOf(iso), n);
  const day = `${month}-${iso.slice(8, 10)}`;
  const last = lastOfMonth(month);
  return day > last || monthOf(day) !== month ? last : day;
}

/** "Tuesday 1 December 2026" in the page's language. */
export function longDate(iso, locale) {
  return new Intl.DateTimeFormat(locale, {
    timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric",
  }).format(new Date(toUtc(iso)));
}

/** "December 2026". */
export function monthName(month, locale) {
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "long", year: "numeric" })
    .format(new Date(toUtc(firstOfMonth(month))));
}

/** Weekday names Monday first: [{short, long}]. */
export function weekdayNames(locale) {
  const monday = Date.UTC(2024, 0, 1); // a Monday
  return Array.from({ length: 7 }, (_, i) => {
    const date = new Date(monday + i * DAY_MS);
    return {
      short: new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "short" }).format(date),
      long: new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long" }).format(date),
    };
  });
}

/** "09:00": the 24-hour time of an RFC 3339 instant in `timeZone`. */
export function clockTime(instant, locale, timeZone) {
  return new Intl.DateTimeFormat(locale, {
    timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(new Date(instant));
}

/** The library date ("YYYY-MM-DD") of an RFC 3339 instant. */
export const dateOf = (instant, timeZone) => todayIn(timeZone, new Date(instant));

/**
 * The patron's own time of `instant` in `zone` ("23:20"), with its date ("Κυρ 29 Νοε 23:20")
 * when that date is not `libraryDate`.
 */
export function ownTime(instant, locale, zone, libraryDate) {
  const time = clockTime(instant, locale, zone);
  if (dateOf(instant, zone) === libraryDate) return time;
  const date = new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: "short", day: "numeric", month: "short" })
    .format(new Date(instant));
  return `${date} ${time}`;
}

/** The browser's own time zone (IANA name), or null when it cannot tell. */
/** A zone as a place a patron recognises: the city of its IANA name ("New York"), never
 * `America/New_York` (the same rule as the mails'). */
export function place(zone) {
  return String(zone).split("/").pop().replace(/_/g, " ");
}

export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}
