import pThrottle from 'p-throttle';
import type { BatchedStatus } from '../driver/capabilities.ts';
import type { StatusResult, StemkitDriver } from '../driver/contract.ts';
import { InvalidResponseError } from '../errors.ts';
import type { JobHandle } from '../model/handle.ts';
import { abortReason } from './sleep.ts';

/** One poll waiting for the next batched call. */
interface Asking {
  readonly handle: JobHandle;
  readonly resolve: (result: StatusResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The poll coalescer of one client, for a driver with `statusMany`: every poll asked for before the next call
 * may go joins it, and calls go no more often than the provider's budget allows (evenly spaced, by p-throttle),
 * so N jobs waiting cost one request per poll, never more than `requestsPerMinute`.
 */
export class StatusBatcher {
  readonly #driver: StemkitDriver;
  readonly #maxJobs: number;
  readonly #asking: Asking[] = [];
  readonly #send: () => Promise<void>;
  #scheduled = false;

  constructor(driver: StemkitDriver, budget: BatchedStatus) {
    this.#driver = driver;
    this.#maxJobs = Math.max(1, Math.floor(budget.maxJobs));
    // One call per slot, each slot 60 s / budget: strict, so no minute ever holds more than the budget.
    const throttle = pThrottle({
      limit: 1,
      interval: Math.ceil(60_000 / Math.max(budget.requestsPerMinute, 1e-3)),
      strict: true,
    });
    this.#send = throttle(() => this.#flush());
  }

  /** The job's status, read by the next batched call; `signal` withdraws this one ask only. */
  status(handle: JobHandle, signal?: AbortSignal): Promise<StatusResult> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        const index = this.#asking.indexOf(asking);
        if (index >= 0) this.#asking.splice(index, 1);
        reject(abortReason(signal as AbortSignal));
      };
      const settle =
        <Value>(then: (value: Value) => void) =>
        (value: Value) => {
          signal?.removeEventListener('abort', onAbort);
          then(value);
        };
      const asking: Asking = { handle, resolve: settle(resolve), reject: settle(reject) };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#asking.push(asking);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#asking.length === 0) return;
    this.#scheduled = true;
    void this.#send();
  }

  async #flush(): Promise<void> {
    // A free slot runs at once: let the polls begun in the same turn (a burst of waits) join this call.
    await Promise.resolve();
    this.#scheduled = false;
    // The same job waited on twice is asked about once; jobs beyond one call's count stay for the next.
    const byId = new Map<string, Asking[]>();
    const later: Asking[] = [];
    for (const asking of this.#asking.splice(0)) {
      const group = byId.get(asking.handle.id);
      if (group) group.push(asking);
      else if (byId.size < this.#maxJobs) byId.set(asking.handle.id, [asking]);
      else later.push(asking);
    }
    this.#asking.push(...later);
    this.#schedule();
    if (byId.size === 0) return;
    const groups = [...byId.values()];
    try {
      const handles = groups.map((group) => (group[0] as Asking).handle);
      const results = await this.#driver.statusMany!(handles);
      if (results.length !== handles.length) {
        throw new InvalidResponseError(
          `statusMany answered ${results.length} statuses for ${handles.length} jobs`,
          { provider: this.#driver.provider },
        );
      }
      groups.forEach((group, index) => {
        for (const asking of group) asking.resolve(results[index] as StatusResult);
      });
    } catch (error) {
      for (const asking of groups.flat()) asking.reject(error);
    }
  }
}
