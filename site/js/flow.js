// Moving between the steps: each step registers how it renders; `show` renders one, keeps the
// browser's history in step, and moves the focus to the step's heading.

import { h } from "./dom.js";
import { STEPS, emptyForm, forgetTimes, localized, save, state, t } from "./state.js";
import * as d from "./dates.js";

const renderers = [];

/** Step `step` (1–4, or DONE) is drawn by `render`. */
export function register(step, render) {
  renderers[step] = render;
}

export function show(step, { push = true, focus = true } = {}) {
  // A step is only shown when the ones before it are done (the browser's Back can ask for any).
  if (step >= 3 && step <= STEPS && !state.slot) step = 2;
  state.step = step;
  state.reached = Math.max(state.reached, Math.min(step, STEPS));
  if (push) history.pushState({ step }, "");
  renderers[step]();
  save();
  if (focus) document.getElementById("step-heading")?.focus();
}

/** The progress list and the step's heading (which receives the focus). */
export function frame(step, heading) {
  const text = t();
  const library = localized(state.catalog.library.name);
  document.title = step <= STEPS ? `${heading} · ${text.stepOf(step, STEPS)} · ${library}` : `${heading} · ${library}`;
  const progress =
    step <= STEPS
      ? h(
          "ol",
          { class: "progress", "aria-label": text.stepsLabel },
          text.stepNames.map((name, i) =>
            h(
              "li",
              { "aria-current": i + 1 === step ? "step" : null, class: i + 1 < step ? "done" : null },
              h("span", { class: "num", "aria-hidden": "true" }, i + 1 < step ? "✓" : String(i + 1)),
              " ",
              h("span", { class: "name" }, name),
            ),
          ),
        )
      : null;
  const title = h(
    "h1",
    { id: "step-heading", tabindex: "-1" },
    // The space keeps "Step 2 of 4" and the heading apart for screen readers too.
    step <= STEPS ? [h("span", { class: "step-of" }, text.stepOf(step, STEPS)), " "] : null,
    heading,
  );
  return [progress, title];
}

export function nav(...buttons) {
  return h("div", { class: "nav" }, buttons);
}

export function backButton() {
  return h("button", { type: "button", class: "secondary", onclick: () => show(state.step - 1) }, t().back);
}

export function restart({ push }) {
  forgetTimes();
  Object.assign(state, {
    form: emptyForm(),
    errors: [],
    notice: null,
    reached: 1,
    key: null,
    keyFor: null,
    bookingError: null,
    result: null,
    month: d.monthOf(state.today),
  });
  if (!push) history.replaceState({ step: 1 }, "");
  show(1, { push });
}
