import type { StemkitDriver, WaitOptions } from '@stemkit/core';
import type { NetworkAccess } from './outbound.ts';
import type { GatewayStore } from './store.ts';

/**
 * Options of {@link createGateway}.
 *
 * @example
 * ```ts
 * const options: GatewayOptions = { driver: audioshakeTasks({ apiKey }), token: process.env.GATEWAY_TOKEN! };
 * ```
 */
export interface GatewayOptions extends NetworkAccess {
  /** The backend: any stemkit driver (the Tasks API, Sourcere, the emulator…). */
  readonly driver: StemkitDriver;
  /** The Bearer token legacy clients send; compared in constant time, never logged. */
  readonly token: string;
  /**
   * The origin (and path) legacy clients reach the gateway at, for the download links in job bodies and
   * callbacks (default: the URL of each request, as the server it runs on sees it).
   */
  readonly publicUrl?: string;
  /** Lifetime of the download links in job bodies, in seconds (default 3 600). */
  readonly linkLifetimeSeconds?: number;
  /**
   * The key download links are signed with, at least 32 characters (default: a random one per process, so
   * links die with it). Give the same secret to every instance, and across restarts, for links that outlive
   * them.
   */
  readonly linkSecret?: string;
  /** The `clientId` jobs and assets carry (default `stemkit-gateway`). */
  readonly clientId?: string;
  /**
   * The largest file the gateway takes in, in bytes, on every path where the bytes pass through it (`/upload`,
   * and `/upload/link` when the gateway fetches the link itself): past it the request is answered 413 and
   * the transfer to the backend abandoned. Default: the backend's own `maxUploadBytes`, else 2 GiB.
   */
  readonly maxUploadBytes?: number;
  /**
   * How long the gateway spends fetching one `/upload/link` link, from the request to its last byte, in
   * milliseconds (default 300 000, 5 minutes); a link slower than that is answered as one that could not be
   * fetched. Silence for 30 s ends a fetch sooner.
   */
  readonly linkTimeoutMs?: number;
  /** How the gateway follows backend jobs that have a callback URL (default: first poll 0.5 s, at most 5 s). */
  readonly wait?: WaitOptions;
  /**
   * Where assets and jobs are kept (default: {@link memoryGatewayStore}, ids lost on restart);
   * {@link fileGatewayStore} keeps them across restarts.
   */
  readonly store?: GatewayStore;
}
