// The bot check as the page sees it: a challenge from the server solved in a Web Worker while
// the patron fills in the form (no third party, no cookie, no puzzle), kept until Confirm.

import * as api from "./api.js";

/** Solves `challenge` in a worker; resolves to the base64 solution the booking carries. */
function work(challenge) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./pow-worker.js", import.meta.url));
    worker.onmessage = ({ data }) => {
      if (data.progress !== undefined) return;
      worker.terminate();
      if (data.failed) {
        reject(new Error("no solution"));
        return;
      }
      const solution = { ...challenge, number: data.number };
      delete solution.maxnumber;
      document.documentElement.dataset.powMs = String(Math.round(data.ms));
      resolve(btoa(JSON.stringify(solution)));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(e);
    };
    worker.postMessage(challenge);
  });
}

let pending = null;

/**
 * The solution for the next booking: started now if none is on its way. `onState` hears
 * "working", then "ready" or "failed" (the page shows and announces it).
 */
export function prepare(onState = () => {}) {
  if (!pending) {
    onState("working");
    pending = api
      .challenge()
      .then(work)
      .then(
        (solution) => {
          onState("ready");
          return solution;
        },
        (e) => {
          pending = null;
          onState("failed");
          throw e;
        },
      );
  } else {
    pending.then(
      () => onState("ready"),
      () => {},
    );
  }
  return pending;
}

/** Forgets the solution: it was used (or refused), and the next booking needs a new one. */
export function used() {
  pending = null;
}
