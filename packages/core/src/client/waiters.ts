import type { JobHandle } from '../model/handle.ts';
import type { Job } from '../model/job.ts';
import { abortReason } from './sleep.ts';

/** How soon a woken wait polls: callbacks come in bursts (one per target, one per legacy job), one poll answers them. */
export const WAKE_PAUSE_MS = 250;
/** Wakes kept for waits not started yet (a callback can beat the start's answer). */
const KEPT_WAKES = 1_000;

/** One `wait` in progress, as callbacks see it. */
interface Sleeper {
  /** Brings the next poll forward; resolves with what a poll begun after this call read. */
  wake(): Promise<Job | undefined>;
}

/** The ids a handle answers to: its own and those of the provider jobs behind it. */
function keysOf(handle: JobHandle): string[] {
  return [handle.id, ...(handle.parts ?? [])];
}

/**
 * The waits of one client, by job id, so that a callback about a job brings their next poll forward. A wake
 * with no wait is kept (boundedly) for a wait that starts soon, since a callback can arrive before the start's
 * answer. Waking sends nothing by itself: the woken wait's poll is the provider's word.
 */
export class Waiters {
  readonly #waiting = new Map<string, Set<Sleeper>>();
  readonly #kept = new Set<string>();

  /** Registers a wait; returns its removal. A wake kept for the job wakes it at once. */
  add(handle: JobHandle, sleeper: Sleeper): () => void {
    const keys = keysOf(handle);
    for (const key of keys) {
      const set = this.#waiting.get(key) ?? new Set();
      this.#waiting.set(key, set.add(sleeper));
    }
    if (keys.filter((key) => this.#kept.delete(key)).length > 0) void sleeper.wake();
    return () => {
      for (const key of keys) {
        const set = this.#waiting.get(key);
        set?.delete(sleeper);
        if (set?.size === 0) this.#waiting.delete(key);
      }
    };
  }

  /** Wakes the waits on the job `handle` names; resolves with what the first of them read, if any waited. */
  async wake(handle: JobHandle): Promise<Job | undefined> {
    const sleepers = [...(this.#waiting.get(handle.id) ?? [])];
    if (sleepers.length === 0) {
      this.#kept.delete(handle.id);
      this.#kept.add(handle.id);
      for (const key of this.#kept) {
        if (this.#kept.size <= KEPT_WAKES) break;
        this.#kept.delete(key);
      }
      return undefined;
    }
    const reads = await Promise.all(sleepers.map((sleeper) => sleeper.wake()));
    return reads.find((job) => job !== undefined);
  }
}

/**
 * The sleeps of one `wait`, which a wake cuts short to {@link WAKE_PAUSE_MS}. A wake that comes while a poll is
 * in flight makes the next sleep that short; each wake resolves with the job read by a poll begun after it.
 */
export class Alarm implements Sleeper {
  #woken = false;
  #cut: (() => void) | undefined;
  #readers: Array<(job: Job | undefined) => void> = [];

  wake(): Promise<Job | undefined> {
    return new Promise((resolve) => {
      this.#readers.push(resolve);
      if (this.#cut) this.#cut();
      else this.#woken = true;
    });
  }

  /** Called as a poll begins: returns how to hand its result to the wakes it answers. */
  polling(): (job: Job | undefined) => void {
    this.#woken = false;
    const readers = this.#readers;
    this.#readers = [];
    return (job) => {
      for (const reader of readers) reader(job);
    };
  }

  /** Answers every wake still waiting (the wait is over). */
  end(job?: Job): void {
    this.polling()(job);
  }

  /** Sleeps `ms`, or {@link WAKE_PAUSE_MS} from a wake if that ends sooner; rejects with the abort reason. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const until = Date.now() + ms;
      const done = () => {
        this.#cut = undefined;
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.#cut = undefined;
        reject(abortReason(signal as AbortSignal));
      };
      let timer = setTimeout(done, ms);
      this.#cut = () => {
        this.#cut = undefined;
        if (until - Date.now() <= WAKE_PAUSE_MS) return;
        clearTimeout(timer);
        timer = setTimeout(done, WAKE_PAUSE_MS);
      };
      if (this.#woken) this.#cut();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
