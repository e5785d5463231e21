import { type Outbound, UnreachableTarget } from './outbound.ts';

/** Pauses between attempts to deliver one callback. */
const RETRY_DELAYS_MS = [100, 400, 1_600];

/**
 * POSTs a legacy callback body (`{ job }`, the shape of `GET /job/:id`) to a job's `callbackUrl` within the
 * gateway's network policy, retrying a failed delivery a few times. Delivery is best effort, as on the legacy
 * API: a receiver that stays down, or that the policy refuses, misses the callback and can still poll.
 */
export async function deliverCallback(
  url: string,
  body: unknown,
  outbound: Outbound,
  signal: AbortSignal,
): Promise<boolean> {
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    if (signal.aborted) return false;
    try {
      const response = await outbound.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      response.body.resume();
      if (response.status >= 200 && response.status <= 299) return true;
    } catch (error) {
      // Refused by the policy: it will be refused again.
      if (error instanceof UnreachableTarget && error.refused) return false;
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return false;
}
