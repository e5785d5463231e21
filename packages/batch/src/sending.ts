import { AsyncLocalStorage } from 'node:async_hooks';

/** What must be done right before a request of a track's start leaves this process: recording its intent. */
const beforeSending = new AsyncLocalStorage<() => Promise<void>>();

/**
 * Runs a track's start with `hook` to run before its first request is sent. The batch's rate-limited fetch runs
 * it once the request has its slot, so an intent in the ledger means the start may really have been sent.
 */
export function whileStarting<Value>(hook: () => Promise<void>, start: () => Promise<Value>): Promise<Value> {
  return beforeSending.run(hook, start);
}

/** Called by the batch's fetch as a request is about to be sent. */
export async function aboutToSend(): Promise<void> {
  await beforeSending.getStore()?.();
}
