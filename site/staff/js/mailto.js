// The console's links that write mail.
/** A `mailto:` of `address` alone: the local part and the domain percent-encoded (RFC 6068),
 * so that nothing in an address (a `?`, a `&`) can add headers or recipients to the mail. */
export function mailto(address) {
  const at = address.lastIndexOf("@");
  if (at < 0) return `mailto:${encodeURIComponent(address)}`;
  return `mailto:${encodeURIComponent(address.slice(0, at))}@${encodeURIComponent(address.slice(at + 1))}`;
}
