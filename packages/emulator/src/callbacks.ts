import { isReachableHost } from './http/hosts.ts';
import { RefusedTarget, requestLoopback } from './http/outbound.ts';
import type { Clock } from './processing/clock.ts';

/** One callback or webhook the emulator sent (or refused to send). */
export interface CallbackDelivery {
  /** Where it was sent (or not): a Sourcere or legacy job's `callbackUrl`, or the Tasks account webhook. */
  url: string;
  /**
   * `refused`: the URL is not a loopback or `.test` host, so nothing was sent; or the receiver redirected to
   * one that is not, which was not followed.
   */
  outcome: 'delivered' | 'failed' | 'refused';
  /** POSTs made: 0 when refused, else 1 to 4 (non-2xx answers and network errors are retried). */
  attempts: number;
  /** The receiver's last HTTP status, when it answered. */
  responseStatus?: number;
  /** The JSON payload: the whole Tasks task, legacy `{ job }`, or a Sourcere separation's latest state. */
  body: unknown;
}

const attempts = 4;
const keptDeliveries = 1000;

/** POSTs JSON callbacks, retrying non-2xx answers a few times with a doubling pause. */
export class CallbackSender {
  readonly deliveries: CallbackDelivery[] = [];

  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * `sign`, when given, adds headers to each attempt from the exact body sent (Replicate's Standard Webhooks
   * signature, stamped per attempt).
   */
  async send(
    url: string,
    body: unknown,
    sign?: (rawBody: string) => Record<string, string>,
  ): Promise<CallbackDelivery> {
    const delivery: CallbackDelivery = { url, outcome: 'refused', attempts: 0, body };
    this.deliveries.push(delivery);
    if (this.deliveries.length > keptDeliveries) this.deliveries.shift();
    if (!isReachableHost(url)) return delivery;
    delivery.outcome = 'failed';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      delivery.attempts = attempt;
      try {
        const response = await requestLoopback(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...sign?.(JSON.stringify(body)) },
          body: JSON.stringify(body),
          signal: AbortSignal.any([this.#clock.signal, AbortSignal.timeout(10_000)]),
        });
        response.body.resume();
        delivery.responseStatus = response.status;
        if (response.status >= 200 && response.status <= 299) {
          delivery.outcome = 'delivered';
          return delivery;
        }
      } catch (error) {
        if (error instanceof RefusedTarget) {
          delivery.outcome = 'refused';
          return delivery;
        }
        if (this.#clock.signal.aborted) return delivery;
      }
      if (attempt < attempts) await this.#clock.sleepReal(100 * 2 ** (attempt - 1)).catch(() => undefined);
    }
    return delivery;
  }
}
