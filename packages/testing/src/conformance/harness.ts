import type { OutputFormat, StemkitDriver, StemName } from '@stemkit/core/driver';
import type { InjectedStatus } from '../faulty-fetch.ts';

/**
 * What a driver package hands the conformance suite: its driver wired to a working provider (the emulator or
 * the mock) through `createFaultyFetch`, and the levers the suite pulls.
 *
 * @example
 * ```ts
 * const { baseUrl, username, password } = emulator.sourcere;
 * const credentials = { baseUrl, username, password };
 * const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: (url) => url.href.startsWith(baseUrl) });
 * const harness: ConformanceHarness = {
 *   driver: sourcere({ ...credentials, fetch: faulty.fetch }),
 *   driverWithBadCredentials: () => sourcere({ ...credentials, password: 'wrong', fetch: faulty.fetch }),
 *   driverForUnreachableHost: () => sourcere({ ...credentials, baseUrl: 'http://127.0.0.1:9' }),
 *   failNextRequests: faulty.failNextRequests,
 *   expireNextLink: faulty.expireNextLink,
 *   sampleAudio: () => ({ bytes: sampleWav(), name: 'sample.wav', contentType: 'audio/wav' }),
 *   request: { stems: ['vocals', 'instrumental'], format: 'wav' },
 *   close: () => emulator.close(),
 * };
 * ```
 */
export interface ConformanceHarness {
  /** Wired to a working provider (emulator or mock), using the faulty fetch. */
  readonly driver: StemkitDriver;
  /** The same provider with credentials it refuses: calls must fail with `AuthenticationError`. */
  driverWithBadCredentials(): StemkitDriver;
  /**
   * The same provider and credentials in a new driver instance, as another process would make it. Required when
   * the driver declares `jobs: 'ephemeral'`: its handles must be a `NotFoundError` there.
   */
  freshDriver?(): StemkitDriver;
  /** E.g. a base URL of `http://127.0.0.1:9`, where nothing listens. */
  driverForUnreachableHost(): StemkitDriver;
  /** The next `count` API requests (not storage) answer `status`. */
  failNextRequests(status: InjectedStatus, count: number): void;
  /** The next signed-URL GET answers 403, as if expired. */
  expireNextLink(): void;
  /** A small audio file the provider accepts (at least 2 bytes, within `maxUploadBytes`), uploaded by the checks. */
  sampleAudio(): { bytes: Uint8Array; name: string; contentType: string };
  /** What the conformance job asks for. */
  readonly request: { readonly stems: StemName[]; readonly format: OutputFormat };
  /**
   * A request within the declared capabilities that the provider refuses (a provider rule, such as two stems no
   * single algorithm produces): `separate` must refuse it before sending anything, so the driver's `validate` must
   * catch it. Required when the driver has `validate`; a harness of a wrapper gives the wrapped driver's, so a
   * wrapper that drops `validate` fails.
   */
  readonly rejectedRequest?: { readonly stems: StemName[]; readonly format: OutputFormat };
  /**
   * A callback as the provider signs it, about the job `jobId`, stamped `timestampSeconds` (Unix seconds):
   * its headers and raw body. Required when the driver declares `capabilities.signedCallbacks`; the checks
   * tamper with it, replay it and strip it to see the driver refuse each.
   */
  signCallback?(jobId: string, timestampSeconds: number): Promise<{ headers: Headers; rawBody: string }>;
  /** Releases what the harness started (servers, emulators); called once after the last check. */
  close(): Promise<void>;
}

/**
 * Tuning of the conformance suite.
 *
 * @example
 * ```ts
 * describeDriverConformance('slow-provider', createHarness, { jobTimeoutMs: 120_000, checkTimeoutMs: 180_000 });
 * ```
 */
export interface ConformanceOptions {
  /** Longest a check may take, in ms (default 60 000). */
  readonly checkTimeoutMs?: number;
  /** Longest the conformance job may take to finish, in ms (default 45 000). */
  readonly jobTimeoutMs?: number;
  /** How long the streaming check waits for the first bytes to leave before calling the upload buffered (default 5 000). */
  readonly streamingGraceMs?: number;
  /** How long a driver may take to settle after an abort, in ms (default 5 000). */
  readonly abortGraceMs?: number;
}
