// Requests a job costs while the client waits for it, on the client's default wait schedule, in virtual time:
// timers and clocks are replaced before stemkit loads, so a 10-minute job takes milliseconds to simulate.
const realSetImmediate = globalThis.setImmediate;
let virtualNow = 0;
let nextTimer = 1;
const timers = new Map<number, { at: number; run: () => void }>();
let pumping = false;

function pump(): void {
  if (pumping) return;
  pumping = true;
  realSetImmediate(() => {
    pumping = false;
    let earliest: [number, { at: number; run: () => void }] | undefined;
    for (const entry of timers) if (!earliest || entry[1].at < earliest[1].at) earliest = entry;
    if (!earliest) return;
    timers.delete(earliest[0]);
    virtualNow = Math.max(virtualNow, earliest[1].at);
    earliest[1].run();
    pump();
  });
}

const virtualSetTimeout = (callback: (...args: unknown[]) => void, milliseconds = 0, ...args: unknown[]) => {
  const id = nextTimer++;
  timers.set(id, { at: virtualNow + Math.max(0, milliseconds), run: () => callback(...args) });
  pump();
  return { [Symbol.toPrimitive]: () => id, unref() {}, ref() {}, hasRef: () => true, id };
};
globalThis.setTimeout = virtualSetTimeout as unknown as typeof setTimeout;
globalThis.clearTimeout = ((handle: { id?: number } | number | undefined) => {
  timers.delete(typeof handle === 'number' ? handle : (handle?.id ?? -1));
}) as typeof clearTimeout;
const epoch = Date.now();
Date.now = () => epoch + virtualNow;

const { createStemkit } = await import('@stemkit/core');
const { DRIVER_CONTRACT_VERSION } = await import('@stemkit/core/driver');
type Driver = Parameters<typeof createStemkit>[0]['driver'];

/** A provider whose job runs `lengthMs` of virtual time; every status call is one request. */
function timedProvider(lengthMs: number) {
  const counts = { status: 0 };
  let startedAt = 0;
  const handle = { contract: 1 as const, provider: 'bench', id: 'job-1' };
  const job = (status: 'running' | 'succeeded') => ({
    id: 'job-1',
    provider: 'bench',
    status,
    targets: [{ id: 'vocals', stem: 'vocals', formats: ['wav'], status, outputs: [], raw: {} }],
    warnings: [],
    handle,
    raw: {},
  });
  const driver: Driver = {
    contract: DRIVER_CONTRACT_VERSION,
    provider: 'bench',
    capabilities: {
      stems: 'any',
      formats: ['wav'],
      trial: false,
      residual: false,
      transcription: false,
      alignment: false,
      callbacks: 'per-job',
      urlInput: true,
      variants: false,
      languages: false,
    },
    upload: async () => {
      throw new Error('not used');
    },
    start: async () => {
      startedAt = virtualNow;
      return { handle, job: job('running') };
    },
    status: async () => {
      counts.status += 1;
      return { job: job(virtualNow - startedAt >= lengthMs ? 'succeeded' : 'running') };
    },
    link: async () => ({ ready: true, url: 'https://storage.test/x' }),
    parseCallback: () => ({ handle, event: 'succeeded' }),
  };
  return { driver, counts };
}

const rows: Array<{ seconds: number; polled: number; withCallback: number; overshootSeconds: number }> = [];
for (const seconds of [5, 60, 600]) {
  const lengthMs = seconds * 1_000;
  const polled = timedProvider(lengthMs);
  const stemkit = createStemkit({ driver: polled.driver });
  const started = await stemkit.separate({
    source: { url: 'https://example.test/song.wav' },
    stems: ['vocals'],
  });
  const startedAt = virtualNow;
  await stemkit.wait(started);
  const overshootSeconds = (virtualNow - startedAt - lengthMs) / 1_000;
  // With a callback: nothing is polled until the provider calls back at the end; then one confirming `get`.
  const called = timedProvider(lengthMs);
  const withCallbacks = createStemkit({ driver: called.driver });
  await withCallbacks.separate({
    source: { url: 'https://example.test/song.wav' },
    stems: ['vocals'],
    callbackUrl: 'https://app.test/hook',
  });
  await new Promise((resolve) => setTimeout(resolve, lengthMs));
  const hint = await withCallbacks.callbacks.parse({ headers: new Headers(), body: {} });
  await withCallbacks.wait(hint.handle);
  rows.push({ seconds, polled: polled.counts.status, withCallback: called.counts.status, overshootSeconds });
}
console.log(JSON.stringify(rows));
