import type { CallbackHint } from '../driver/contract.ts';
import { ConnectionError, ProviderError, RateLimitError, UnsupportedCapabilityError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Job } from '../model/job.ts';
import { isTerminal, type JobStatus } from '../model/status.ts';
import type { Stemkit } from './types.ts';

/**
 * Options of {@link createCallbackReceiver}.
 *
 * @example
 * ```ts
 * const options: CallbackReceiverOptions = { onJob: (job) => console.log(job.id, job.status) };
 * ```
 */
export interface CallbackReceiverOptions {
  /**
   * Told of each change of a job that a callback named, as the provider reports it (never as the callback
   * says), once per change: repeats and replays are not told again. When it throws, the callback is answered
   * 500 so the provider sends it again. With it, the receiver fetches jobs no `wait` here is polling.
   */
  readonly onJob?: (job: Job) => void | Promise<void>;
  /** Largest callback body read, in bytes (default 1 MiB); a larger one is answered 413. */
  readonly maxBodyBytes?: number;
  /** Gets a line when a job named by a callback cannot be fetched (a forged id, the provider down). */
  readonly logger?: Logger;
}

/**
 * A Web-standard callback endpoint: hand it the provider's POST, get the answer to send back.
 *
 * @example
 * ```ts
 * export const POST: CallbackReceiver = createCallbackReceiver(stemkit);
 * ```
 */
export type CallbackReceiver = (request: Request) => Promise<Response>;

/** Jobs remembered for deduplication, the oldest forgotten first. */
const REMEMBERED_JOBS = 10_000;

/**
 * Receives a provider's callbacks — Sourcere's and the legacy API's per-job `callbackUrl`, the Tasks API's
 * account webhook — as a `(request: Request) => Promise<Response>` that Hono, Next.js route handlers, Bun and
 * Deno serve as it is (`@stemkit/core/node`'s `toNodeListener` adapts it to `node:http` and Express).
 *
 * The body goes to the driver exactly as received (with its headers), so a driver that verifies signatures
 * (`capabilities.signedCallbacks`) refuses a forged, tampered or replayed callback before anything else: 400.
 *
 * A callback is only a hint, and its body is never believed: the receiver reads which job it names, then wakes
 * every `stemkit.wait` on that job in this client, whose next poll — the provider's own answer — is the
 * confirmation. So a forged callback (a job that does not exist, or a status it does not have) costs at most a
 * poll and changes nothing, and a wait on a job with callbacks needs about one status request. Repeats and
 * replays are deduplicated: callbacks about a job last seen finished cost nothing, and `onJob` hears of each
 * confirmed change once. A callback that only claims the job is still running costs nothing either, unless
 * `onJob` wants to hear of it (a forged one cannot hide a real completion: that has its own callback).
 *
 * The receiver's own confirmations (for `onJob`, when no wait polls the job) are one request each, never
 * repeated by the transport: a provider answering 429 or 5xx, or not at all, gets a 503 with `Retry-After`,
 * and its sending the callback again is the retry. So a callback costs at most one provider request, a burst
 * of forged ones included. Answers: 204 for a callback accepted (a duplicate too, or one naming a job the
 * provider does not have), 400 for a body that is not this provider's callback, 405 for a method other than
 * POST, 413 for a body too large, 500 when `onJob` failed, 503 when the provider could not confirm it now;
 * never an error's text.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * const receive = createCallbackReceiver(stemkit);
 * new Hono().post('/stemkit/callbacks', (context) => receive(context.req.raw));
 * ```
 */
export function createCallbackReceiver(
  stemkit: Stemkit,
  options: CallbackReceiverOptions = {},
): CallbackReceiver {
  if (!stemkit.capabilities.parseCallbacks) {
    throw new UnsupportedCapabilityError('callbacks', `The ${stemkit.provider} driver reads no callbacks`, {
      provider: stemkit.provider,
    });
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  // What each job named by a callback was last confirmed to be.
  const seen = new Map<string, string>();
  // The fetch of a job not yet begun, which a callback arriving meanwhile joins.
  const queued = new Map<string, Promise<Job | undefined>>();
  const running = new Map<string, Promise<unknown>>();

  const fetchJob = (handle: JobHandle): Promise<Job | undefined> => {
    const key = handle.id;
    const waiting = queued.get(key);
    if (waiting) return waiting;
    // One fetch per job at a time; a callback arriving during one is answered by the next.
    const next = Promise.resolve(running.get(key))
      .catch(() => undefined)
      .then(() => {
        queued.delete(key);
        // One request, never repeated by the transport: the provider sending the callback again is the retry,
        // so that a callback costs at most one request whatever the provider answers (429s included).
        const current = stemkit.get(handle, { retry: false }).catch((error: unknown) => {
          options.logger?.warn('callback: the job it names could not be fetched', {
            provider: stemkit.provider,
            job: key,
            error: String(error),
          });
          if (isTransient(error)) throw new ProviderBusy(error);
          return undefined;
        });
        running.set(key, current);
        void current
          .finally(() => {
            if (running.get(key) === current) running.delete(key);
          })
          .catch(() => undefined);
        return current;
      });
    queued.set(key, next);
    return next;
  };

  const confirm = async (handle: JobHandle, claimed: JobStatus | undefined): Promise<void> => {
    const key = handle.id;
    // A finished job changes no more: its repeats and replays cost nothing.
    const last = seen.get(key)?.split('\n')[0] as JobStatus | undefined;
    if (last && isTerminal(last)) return;
    // "Still running" tells a wait nothing it does not assume: only `onJob` wants it confirmed.
    if (!options.onJob && claimed !== undefined && !isTerminal(claimed)) return;
    // A wait's poll is the confirmation; without one, the receiver fetches only for someone to tell.
    const job =
      (await stemkit.callbacks.wake(handle)) ?? (options.onJob ? await fetchJob(handle) : undefined);
    if (!job) return;
    const fingerprint = fingerprintOf(job);
    if (seen.get(key) === fingerprint) return;
    await options.onJob?.(job);
    seen.delete(key);
    seen.set(key, fingerprint);
    for (const oldest of seen.keys()) {
      if (seen.size <= REMEMBERED_JOBS) break;
      seen.delete(oldest);
    }
  };

  return async (request) => {
    if (request.method !== 'POST') return answer(405, 'callbacks are POSTed', { allow: 'POST' });
    let hint: CallbackHint;
    try {
      const body = await readBody(request, maxBodyBytes);
      if (body === tooLarge) return answer(413, `a callback body is at most ${maxBodyBytes} bytes`);
      // The raw text goes on, never a re-serialised object: a signature covers these exact bytes.
      hint = await stemkit.callbacks.parse({ headers: request.headers, body });
    } catch {
      return answer(400, `not a callback from ${stemkit.provider}`);
    }
    try {
      await confirm(hint.handle, hint.claimedStatus);
    } catch (error) {
      if (error instanceof ProviderBusy) {
        const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1_000) / 1_000));
        return answer(503, 'the provider could not confirm the callback now', {
          'retry-after': String(seconds),
        });
      }
      // `onJob` failed: the provider sends the callback again.
      return answer(500, 'the callback could not be handled');
    }
    return new Response(null, { status: 204 });
  };
}

/** The confirmation met a provider that could not answer now: the callback is to be sent again. */
class ProviderBusy extends Error {
  readonly retryAfterMs: number | undefined;

  constructor(cause: unknown) {
    super('the provider could not answer now');
    this.retryAfterMs = RateLimitError.isInstance(cause) ? cause.retryAfterMs : undefined;
  }
}

/** A failure that may be gone when asked again later: rate limited, the provider failing, no answer at all. */
function isTransient(error: unknown): boolean {
  if (RateLimitError.isInstance(error) || ConnectionError.isInstance(error)) return true;
  return ProviderError.isInstance(error) && (error.status ?? 0) >= 500;
}

const tooLarge = Symbol('too large');

/** The body as raw bytes, read to `limit` bytes at most. */
async function readBody(request: Request, limit: number): Promise<Uint8Array | typeof tooLarge> {
  if (Number(request.headers.get('content-length')) > limit) {
    await request.body?.cancel().catch(() => undefined);
    return tooLarge;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader?.cancel().catch(() => undefined);
      return tooLarge;
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** What a change of a job changes: its status, each target's status and outputs, its progress. */
function fingerprintOf(job: Job): string {
  const targets = job.targets.map((target) => [target.id, target.status, target.outputs.length]);
  return `${job.status}\n${JSON.stringify([job.updatedAt, targets, job.progress?.events.length])}`;
}

function answer(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ message }, { status, headers });
}
