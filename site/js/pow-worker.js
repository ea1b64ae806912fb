// The bot check's work, off the page's thread: finds the number whose SHA-256 with the salt is
// the challenge (the ALTCHA protocol), with the browser's own Web Crypto, a batch of hashes at
// a time, and says how far it got now and then.

const encoder = new TextEncoder();
const BATCH = 200;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

self.onmessage = async ({ data: challenge }) => {
  const started = performance.now();
  for (let from = 0; from <= challenge.maxnumber; from += BATCH) {
    const numbers = [];
    for (let n = from; n < from + BATCH && n <= challenge.maxnumber; n += 1) numbers.push(n);
    const digests = await Promise.all(numbers.map((n) => crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n))));
    const found = digests.findIndex((d) => hex(d) === challenge.challenge);
    if (found >= 0) {
      self.postMessage({ number: numbers[found], ms: performance.now() - started });
      return;
    }
    if (from % (BATCH * 50) === 0) self.postMessage({ progress: from / challenge.maxnumber });
  }
  self.postMessage({ failed: true });
};
