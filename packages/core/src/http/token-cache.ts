/** A credential with its expiry, as a login endpoint returns it. */
export interface IssuedToken {
  /** The credential text `get` hands out; it is renewed once within `renewBeforeMs` of `expiresAt`. */
  readonly value: string;
  /** Epoch milliseconds after which the token is no longer accepted. */
  readonly expiresAt: number;
}

/** Holds one renewable credential. */
export interface TokenCache {
  /** The current token, logging in (once, however many callers ask at the same time) when needed. */
  get(signal?: AbortSignal): Promise<string>;
  /** Forgets `token` if it is still the current one (after a 401), so the next `get` renews it. */
  invalidate(token: string): void;
}

/**
 * Caches a token, renews it `renewBeforeMs` before expiry, and single-flights logins so concurrent calls never
 * log in twice.
 *
 * @example
 * ```ts
 * const tokens = createTokenCache(async (signal) => {
 *   const answer = await fetch('https://api.acme.test/auth', { method: 'POST', signal });
 *   const { token, expiresIn } = (await answer.json()) as { token: string; expiresIn: number };
 *   return { value: token, expiresAt: Date.now() + expiresIn * 1000 };
 * }, { renewBeforeMs: 60_000 });
 * const token = await tokens.get();
 * ```
 */
export function createTokenCache(
  issue: (signal?: AbortSignal) => Promise<IssuedToken>,
  options: { renewBeforeMs?: number; now?: () => number } = {},
): TokenCache {
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  const now = options.now ?? Date.now;
  let current: IssuedToken | undefined;
  let pending: Promise<IssuedToken> | undefined;

  return {
    async get(signal) {
      if (current && current.expiresAt - renewBeforeMs > now()) return current.value;
      pending ??= issue(signal).finally(() => {
        pending = undefined;
      });
      current = await pending;
      return current.value;
    },
    invalidate(token) {
      if (current?.value === token) current = undefined;
    },
  };
}
