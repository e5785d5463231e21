/** Simulated time: durations shrink by the speed factor, and every wait ends when the emulator closes. */
export class Clock {
  readonly #controller = new AbortController();
  readonly #speed: () => number;

  /** `speed` is read at each wait, so it can change at run time. */
  constructor(speed: () => number) {
    this.#speed = speed;
  }

  /** Aborted when the emulator closes. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Waits `milliseconds` of simulated time; rejects once the emulator closes. */
  sleep(milliseconds: number): Promise<void> {
    return this.sleepReal(milliseconds / this.#speed());
  }

  /**
   * Waits what is left of `milliseconds` of simulated time begun at `startedAt` (a `Date.now()`): work that
   * took real time counts towards it, so a job never finishes sooner than its nominal duration.
   */
  sleepRest(milliseconds: number, startedAt: number): Promise<void> {
    return this.sleepReal(Math.max(0, milliseconds / this.#speed() - (Date.now() - startedAt)));
  }

  /** Waits real time (latency faults, callback retries). */
  sleepReal(milliseconds: number): Promise<void> {
    const signal = this.#controller.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, milliseconds);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  stop(): void {
    this.#controller.abort(new Error('The emulator closed'));
  }
}
