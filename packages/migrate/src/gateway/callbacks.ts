/** Pauses between attempts to deliver one callback. */
const RETRY_DELAYS_MS = [100, 400, 1_600];

/**
 * POSTs a legacy callback body (`{ job }`, the shape of `GET /job/:id`) to a job's `callbackUrl`, retrying a
 * failed delivery a few times. Delivery is best effort, as on the legacy API: a receiver that stays down
 * misses the callback and can still poll.
 */
export async function deliverCallback(
  url: string,
  body: unknown,
  fetcher: typeof globalThis.fetch,
  signal: AbortSignal,
): Promise<boolean> {
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    if (signal.aborted) return false;
    try {
      const response = await fetcher(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // Unreachable receiver: retried below.
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return false;
}
