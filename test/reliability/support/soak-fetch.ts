import { seededRandom } from '@stemkit/audio/synthetic';

/** What happened to the requests a soak sent, by kind. */
export interface RequestTally {
  total: number;
  /** Answers that were faults: 429, 5xx, 401 (expired token), 404 (not visible yet), 403 from storage. */
  faultedStatuses: Record<number, number>;
  /** Connections dropped by the emulator. */
  resets: number;
  /** Requests this wrapper held past the driver's per-attempt timeout. */
  stalls: number;
  /** Storage downloads this wrapper answered as an expired link. */
  expiredLinks: number;
  /** Requests that created a job (answered 2xx), by provider route. */
  creations: number;
}

export interface SoakFetchOptions {
  /** Origin of the signed-URL host. */
  storageOrigin: string;
  seed: number;
  /** Share of API requests (bodies that can be replayed) held until the per-attempt timeout aborts them. */
  stallProbability: number;
  /** Share of first downloads of a stored object answered 403 `ExpiredToken`. */
  expiredLinkProbability: number;
}

const FAULT_STATUSES = new Set([401, 404, 429, 500, 502, 503]);
/** The routes that create a job, in each API. */
const CREATING = [
  /\/separation\/(start|trial)$/,
  /\/audioshake\/legacy\/job\/?$/,
  /\/audioshake\/tasks\/tasks$/,
];

/**
 * The fetch-level faults the emulator cannot make (a request that never answers until the client gives up; a
 * link that has expired by the time it is used) and a tally of every request's fate. A stalled request never
 * reaches the emulator, so retrying it can never create a second job.
 */
export function createSoakFetch(baseFetch: typeof fetch, options: SoakFetchOptions) {
  const random = seededRandom(options.seed);
  const downloaded = new Set<string>();
  const tally: RequestTally = {
    total: 0,
    faultedStatuses: {},
    resets: 0,
    stalls: 0,
    expiredLinks: 0,
    creations: 0,
  };
  let faultsOn = false;

  const soakFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // Read what the request is without touching its body: a streamed upload can be read once only.
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    tally.total += 1;
    const storage = url.origin === options.storageOrigin;
    // Uploads have no per-attempt timeout (they take as long as they take): a stall there is not this fault.
    const upload = (headers.get('content-type') ?? '').startsWith('multipart/');
    if (faultsOn && !storage && !upload && random() < options.stallProbability) {
      tally.stalls += 1;
      return stall(signal ?? undefined);
    }
    if (faultsOn && storage && method === 'GET' && !downloaded.has(url.pathname)) {
      downloaded.add(url.pathname);
      if (random() < options.expiredLinkProbability) {
        tally.expiredLinks += 1;
        return new Response(
          '<?xml version="1.0"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>',
          { status: 403, headers: { 'content-type': 'application/xml' } },
        );
      }
    }
    let response: Response;
    try {
      response = await baseFetch(input, init);
    } catch (error) {
      if (!signal?.aborted) tally.resets += 1;
      throw error;
    }
    if (FAULT_STATUSES.has(response.status) || (storage && response.status === 403)) {
      tally.faultedStatuses[response.status] = (tally.faultedStatuses[response.status] ?? 0) + 1;
    }
    if (method === 'POST' && response.ok && CREATING.some((route) => route.test(url.pathname))) {
      tally.creations += 1;
    }
    return response;
  };

  return {
    fetch: soakFetch as typeof fetch,
    tally,
    /** Turns the fetch-level faults on or off (the fault-free reference run has them off). */
    setFaults(on: boolean) {
      faultsOn = on;
    },
    /** Every request that was a fault, of any kind. */
    faulted(): number {
      const statuses = Object.values(tally.faultedStatuses).reduce((sum, count) => sum + count, 0);
      return statuses + tally.resets + tally.stalls + tally.expiredLinks;
    },
  };
}

/** Never answers: rejects as fetch does once the caller's signal (the per-attempt timeout) aborts. */
function stall(signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const abort = () =>
      reject(signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    // A caller without a signal would wait forever; a real dead socket ends with a network error.
    setTimeout(() => reject(new TypeError('fetch failed')), 30_000).unref();
  });
}
