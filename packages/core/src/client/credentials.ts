import type { StemkitDriver } from '../driver/contract.ts';
import { AuthenticationError } from '../errors.ts';
import { abortReason, throwIfAborted } from './sleep.ts';

/**
 * The driver's `verifyCredentials`, asked once per client: concurrent uploads wait on the one call, an accepted
 * credential is never asked about again and a refused one fails every later upload at once (a key does not get
 * right by itself). Any other outcome (the network, an abort) is forgotten, so the next upload asks again.
 */
export class CredentialCheck {
  readonly #driver: StemkitDriver;
  #outcome: Promise<void> | undefined;

  constructor(driver: StemkitDriver) {
    this.#driver = driver;
  }

  /** Resolves once the credential is known good (or the driver cannot check it); rejects when it is refused. */
  async verify(signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal);
    const verify = this.#driver.verifyCredentials;
    if (!verify) return;
    // No caller's signal on the shared call: one caller giving up must not fail the others' check.
    this.#outcome ??= verify.call(this.#driver).catch((error: unknown) => {
      if (!AuthenticationError.isInstance(error)) this.#outcome = undefined;
      throw error;
    });
    const outcome = this.#outcome;
    if (!signal) return outcome;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([outcome, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }
}
