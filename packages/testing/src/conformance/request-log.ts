// How many requests every faulty fetch of this test file has let out (module state), so a check can tell that
// a refused call sent nothing at all. The conformance suite reads it; nothing else does.

let sent = 0;

/** Counts one request leaving through a faulty fetch. */
export function recordRequest(): void {
  sent++;
}

/** Requests counted so far. */
export function requestsSent(): number {
  return sent;
}
