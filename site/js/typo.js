// "Did you mean gmail.com?": a likely typo in an email address's domain, suggested on the form
// and never refused (the address may be right). The domain is compared with the mail services
// patrons use and the library's own domains, one or two letters apart (a letter missing, added,
// changed or two swapped), and its ending with the usual ones (`.con` is `.com`).

/** Domains patrons write, whole. */
const DOMAINS = [
  "gmail.com", "googlemail.com", "yahoo.com", "yahoo.gr", "hotmail.com", "hotmail.gr", "outlook.com",
  "outlook.com.gr", "live.com", "icloud.com", "me.com", "otenet.gr", "windowslive.com", "protonmail.com",
  "proton.me", "gmx.com", "gmx.de", "aol.com", "msn.com", "uom.edu.gr", "uom.gr", "example.gr", "example.org",
];
/** Endings, for a name that is right with a mistyped ending. */
const ENDINGS = ["com", "gr", "org", "net", "eu", "edu", "edu.gr", "com.gr", "de", "me"];

/** The edit distance of `a` and `b`, a swap of two neighbours counting one (Damerau). */
export function distance(a, b) {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) rows[0][j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/** The nearest of `choices` to `word` within `most` edits (none if two are as near). */
function nearest(word, choices, most) {
  let best = null;
  let bestDistance = most + 1;
  let tie = false;
  for (const choice of choices) {
    const dist = distance(word, choice);
    if (dist < bestDistance) [best, bestDistance, tie] = [choice, dist, false];
    else if (dist === bestDistance && choice !== best) tie = true;
  }
  return best && bestDistance > 0 && !tie ? best : null;
}

/**
 * The address the patron likely meant, or null when it looks right (or is not an address).
 * `extra`: more domains that are right (the library's own).
 */
export function suggestEmail(address, extra = []) {
  const at = String(address).trim().lastIndexOf("@");
  if (at < 1) return null;
  const trimmed = String(address).trim();
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (!domain) return null;
  const known = [...DOMAINS, ...extra.map((d) => d.toLowerCase())];
  if (known.includes(domain)) return null;
  // Two edits on a long domain, one on a short one (`aol.co` is not `aol.com`'s neighbour by
  // chance alone).
  const whole = nearest(domain, known, domain.length > 6 ? 2 : 1);
  if (whole) return `${local}@${whole}`;
  // A right name with a mistyped ending: `uom.edu.gt` → `uom.edu.gr`.
  const dot = domain.indexOf(".");
  if (dot < 1) return null;
  const ending = domain.slice(dot + 1);
  if (ENDINGS.includes(ending)) return null;
  const fixed = nearest(ending, ENDINGS, 1);
  return fixed ? `${local}@${domain.slice(0, dot)}.${fixed}` : null;
}
