import type { StemkitDriver, WaitOptions } from '@stemkit/core';

/**
 * Options of {@link createGateway}.
 *
 * @example
 * ```ts
 * const options: GatewayOptions = { driver: audioshakeTasks({ apiKey }), token: process.env.GATEWAY_TOKEN! };
 * ```
 */
export interface GatewayOptions {
  /** The backend: any stemkit driver (the Tasks API, Sourcere, the emulator…). */
  readonly driver: StemkitDriver;
  /** The Bearer token legacy clients send; compared in constant time, never logged. */
  readonly token: string;
  /** The origin (and path) legacy clients reach the gateway at, for links; default: each request's own. */
  readonly publicUrl?: string;
  /** Lifetime of the download links in job bodies, in seconds (default 3 600). */
  readonly linkLifetimeSeconds?: number;
  /**
   * The key download links are signed with (default: a random one per process, so links die with it). Give
   * the same secret to every instance, and across restarts, for links that outlive them.
   */
  readonly linkSecret?: string;
  /** The `clientId` jobs and assets carry (default `stemkit-gateway`). */
  readonly clientId?: string;
  /** Whether a job's `callbackUrl` may be called (default: any http(s) URL). */
  readonly allowCallback?: (url: URL) => boolean;
  /** Whether `/upload/link` may fetch a link itself, for backends without URL input (default: any http(s) URL). */
  readonly allowLink?: (url: URL) => boolean;
  /** How the gateway follows backend jobs that have a callback URL (default: first poll 0.5 s, at most 5 s). */
  readonly wait?: WaitOptions;
  /**
   * A JSON file that keeps the gateway's assets and jobs across restarts (default: none, memory only). It
   * holds no credential and no signed link.
   */
  readonly stateFile?: string;
  /** The fetch used for callbacks and link fetches (default the global one). */
  readonly fetch?: typeof globalThis.fetch;
}
