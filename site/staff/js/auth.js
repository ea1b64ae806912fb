// Signing in. Locally, `rantevou serve` prints /staff/#key=<key>: the key is kept for this tab
// and sent as a bearer token. On AWS (config.json says "cognito"), the Cognito sign-in page is
// used with the authorization-code flow and PKCE (no secret in the browser); the ID token is
// kept for this tab and sent the same way. Nothing is kept after the tab closes.

const TOKEN = "rantevou-staff-token";
const PKCE = "rantevou-staff-pkce";

/** How this console signs in: {signin: "key"} or {signin: "cognito", domain, client_id}. */
export async function config() {
  try {
    const r = await fetch("config.json", { cache: "no-store" });
    if (r.ok) return await r.json();
  } catch {
    // Fall through: the local key.
  }
  return { signin: "key" };
}

export const token = () => sessionStorage.getItem(TOKEN);

export function keep(value) {
  sessionStorage.setItem(TOKEN, value.trim());
}

export function forget() {
  sessionStorage.removeItem(TOKEN);
}

/** Where the sign-in returns to: this page, without query or fragment. */
const here = () => location.origin + location.pathname;

function base64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const random = (n) => base64url(crypto.getRandomValues(new Uint8Array(n)));

/** Takes a sign-in the address carries (the local key, or Cognito's code) and cleans the
 * address. Throws when a returned code cannot be exchanged. */
export async function fromAddress(cfg) {
  const key = location.hash.match(/^#key=([0-9a-fA-F]+)$/);
  if (key) {
    keep(key[1]);
    history.replaceState(null, "", location.pathname + "#agenda");
    return;
  }
  const query = new URLSearchParams(location.search);
  const code = query.get("code");
  if (!code || cfg.signin !== "cognito") return;
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || "{}");
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, "", location.pathname + "#agenda");
  if (!saved.verifier || saved.state !== query.get("state")) throw new Error("state");
  const r = await fetch(`${cfg.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: cfg.client_id,
      code,
      redirect_uri: here(),
      code_verifier: saved.verifier,
    }),
  });
  if (!r.ok) throw new Error(`token ${r.status}`);
  const tokens = await r.json();
  if (!tokens.id_token) throw new Error("no id_token");
  keep(tokens.id_token);
}

/** Goes to the Cognito sign-in page (code flow with PKCE). */
export async function startCognito(cfg) {
  const verifier = random(48);
  const state = random(16);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const q = new URLSearchParams({
    response_type: "code",
    client_id: cfg.client_id,
    redirect_uri: here(),
    scope: "openid email profile",
    code_challenge: base64url(digest),
    code_challenge_method: "S256",
    state,
  });
  location.assign(`${cfg.domain}/oauth2/authorize?${q}`);
}

/** Signs out: forgets the token (and, on Cognito, ends the sign-in session there too). */
export function signOut(cfg) {
  forget();
  if (cfg.signin === "cognito") {
    const q = new URLSearchParams({ client_id: cfg.client_id, logout_uri: here() });
    location.assign(`${cfg.domain}/logout?${q}`);
  } else {
    location.hash = "";
    location.reload();
  }
}
