// The staff console: signs in (auth.js), then shows the view the address names —
// #agenda, #appointment/<id>, #closures, #mail, #data, #statistics (and #statistics/year/<yyyy>)
// — in Greek or English.

import * as api from "./api.js";
import * as auth from "./auth.js";
import * as agenda from "./agenda.js";
import * as appointment from "./appointment.js";
import * as manage from "./manage.js";
import * as statistics from "./statistics.js";
import { language, setLanguage, t } from "./texts.js";
import { ctx, h, page, showError, statusBox } from "./ui.js";

let cfg = { signin: "key" };

/** The page's fixed parts in the chosen language. */
function dress() {
  const tx = t();
  document.documentElement.lang = tx.code;
  document.getElementById("skip-link").textContent = tx.skip;
  document.getElementById("console-name").textContent = tx.consoleName;
  if (ctx.library) document.getElementById("library-name").textContent = ctx.library.name[tx.code] || ctx.library.name.el;
  const nav = document.getElementById("staff-nav");
  nav.setAttribute("aria-label", tx.consoleName);
  for (const a of nav.querySelectorAll("a[data-view]")) a.textContent = tx.nav[a.dataset.view];
  document.getElementById("sign-out").textContent = tx.signOut;
  if (ctx.who) document.getElementById("who").textContent = tx.signedInAs(ctx.who);
  const sw = document.getElementById("lang-switch");
  sw.textContent = tx.switchTo;
  sw.lang = tx.switchLang;
  sw.setAttribute("aria-label", tx.switchLabel);
}

function signInPage(problem) {
  const tx = t();
  document.getElementById("staff-nav").classList.add("pending");
  const { main, h1 } = page(tx.signInHeading);
  const box = statusBox();
  main.append(box);
  const refused = problem?.keyRefused === true;
  if (problem && !refused) showError(box, problem);
  if (cfg.signin === "cognito") {
    main.append(h("p", {}, tx.signInCognitoIntro),
      h("button", { type: "button", onclick: () => auth.startCognito(cfg) }, tx.signInCognito));
  } else {
    const input = h("input", {
      id: "staff-key", type: "password", autocomplete: "off", required: true,
      "aria-invalid": refused ? "true" : null, "aria-describedby": refused ? "staff-key-error" : null,
    });
    main.append(h("p", {}, tx.signInKeyIntro),
      h("form", { onsubmit: (e) => { e.preventDefault(); auth.keep(input.value); start(); } },
        h("label", { for: "staff-key" }, tx.keyLabel),
        refused ? h("p", { class: "field-error", id: "staff-key-error", role: "alert" }, tx.keyRefused) : null,
        input, h("button", { type: "submit" }, tx.signIn)));
    if (refused) return input.focus();
  }
  h1.focus();
}

async function route() {
  agenda.stop();
  const [view, id] = location.hash.replace(/^#/, "").split("/");
  for (const a of document.querySelectorAll("#staff-nav a[data-view]")) {
    if (a.dataset.view === (view === "appointment" ? "agenda" : view || "agenda")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  switch (view) {
    case "appointment": await appointment.show(decodeURIComponent(id || "")); break;
    case "closures": await manage.closures(); break;
    case "mail": await manage.mail(); break;
    case "data": await manage.data(); break;
    case "statistics": id === "year" ? await statistics.year(location.hash.split("/")[2] || "") : await statistics.show(); break;
    default: await agenda.show();
  }
}

async function start() {
  if (!auth.token()) return signInPage(null);
  try {
    const me = await api.me();
    ctx.who = me.who;
  } catch (e) {
    if (e instanceof api.Problem && e.status === 401) {
      auth.forget();
      // A key that was typed or opened and refused: said next to the key's field.
      return signInPage(cfg.signin === "key" ? { keyRefused: true } : e);
    }
    if (e instanceof api.Problem && e.status === 403) {
      auth.forget();
      return signInPage(new api.Problem(403, { title: t().notStaff }));
    }
    return signInPage(e);
  }
  document.getElementById("staff-nav").classList.remove("pending");
  dress();
  await route();
}

async function boot() {
  cfg = await auth.config();
  try {
    const catalogue = await api.services();
    ctx.library = catalogue.library;
    ctx.timezone = catalogue.library.timezone;
    ctx.providers = catalogue.providers;
    ctx.services = catalogue.services || [];
  } catch {
    // Names fall back to ids.
  }
  dress();
  document.getElementById("lang-switch").addEventListener("click", () => {
    setLanguage(language() === "el" ? "en" : "el");
    dress();
    if (auth.token() && ctx.who) route();
    else signInPage(null);
  });
  document.getElementById("sign-out").addEventListener("click", () => auth.signOut(cfg));
  window.addEventListener("hashchange", async () => {
    if (/^#key=/.test(location.hash)) {
      // The printed link opened in a tab already showing the console.
      await auth.fromAddress(cfg);
      await start();
    } else if (ctx.who) {
      route();
    }
  });
  try {
    await auth.fromAddress(cfg);
  } catch {
    return signInPage(new Error(t().signInFailed));
  }
  await start();
}

boot();


