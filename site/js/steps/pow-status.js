// The bot check's state on steps 3 and 4: one line that says what the page is doing (a polite
// live region, so screen readers hear it once), and the start of the work.

import { h } from "../dom.js";
import * as pow from "../pow.js";
import { state, t } from "../state.js";

const TEXT = { working: "powWorking", ready: "powReady", failed: "powFailed" };

/** Whether the library asks for the bot check. */
export const checkNeeded = () => (state.catalog?.policy?.proof_of_work_difficulty || 0) > 0;

/** The status line, as the state is now (nothing when no check is asked for). */
export function powStatus() {
  if (!checkNeeded()) return null;
  return h("p", { id: "pow-status", class: "hint", role: "status", "data-state": state.pow || "working" }, t()[TEXT[state.pow || "working"]]);
}

/** Records and shows the bot check's state. */
export function setPowState(next) {
  state.pow = next;
  const line = document.getElementById("pow-status");
  if (line) {
    line.dataset.state = next;
    line.textContent = t()[TEXT[next]];
  }
}

/** Starts the bot check if the library asks for one (a failure is shown, and Confirm retries). */
export function startPow() {
  if (checkNeeded()) pow.prepare(setPowState).catch(() => {});
}
