/**
 * The stemkit driver for the signed-URL Separation API (Sourcere): upload, separate (vocals + instrumental, or
 * vocals, drums, bass and other), follow the event log, download in four formats, mix and zip — all through
 * stemkit's one interface.
 *
 * @packageDocumentation
 */

import {
  type Asset,
  type CallbackHint,
  type CallbackRequest,
  DRIVER_CONTRACT_VERSION,
  type DriverCallOptions,
  type DriverCapabilities,
  type InspectResult,
  type JobHandle,
  type MixRequest,
  type StartRequest,
  type StemkitDriver,
  type ZipRequest,
} from '@stemkit/core';
import { createApiClient } from './auth.ts';
import { parseCallback } from './callbacks.ts';
import { SOURCERE_FORMATS, SOURCERE_STEMS } from './catalog.ts';
import { mixStems, zipStems } from './derived.ts';
import { downloadLink } from './downloads.ts';
import { checkSeparation, separationStatus, startSeparation } from './jobs.ts';
import { resolveOptions, type SourcereDriverOptions } from './options.ts';
import { inspectUpload, uploadSource } from './upload.ts';

export { DEFAULT_ENDPOINTS, type SourcereEndpoints } from './endpoints.ts';
export { DEFAULT_BASE_URL, type SourcereDriverOptions } from './options.ts';

/**
 * What Sourcere can do: five stems over two algorithms (one per job), four formats, trials, a callback URL per
 * job, uploads only (no remote URLs), provider-side mixes and zips; no listing or cancelling.
 *
 * @example
 * ```ts
 * SOURCERE_CAPABILITIES.formats; // ['mp3', 'm4a', 'wav', 'flac']
 * ```
 */
export const SOURCERE_CAPABILITIES: DriverCapabilities = {
  stems: SOURCERE_STEMS,
  formats: SOURCERE_FORMATS,
  maxTargets: 4,
  trial: true,
  residual: false,
  transcription: false,
  alignment: false,
  callbacks: 'per-job',
  urlInput: false,
  variants: false,
  languages: false,
};

/**
 * The Sourcere driver: every optional operation it supports is present, plus `inspect`, which reads the
 * metadata Sourcere computes after an upload, and `validate`, which refuses stems no single algorithm
 * produces together before anything is uploaded.
 *
 * @example
 * ```ts
 * const driver: SourcereDriver = sourcere();
 * const asset = await driver.upload({ body, name: 'song.wav' });
 * ```
 */
export interface SourcereDriver extends StemkitDriver {
  validate(request: Omit<StartRequest, 'source'>): void;
  inspect(asset: Asset, options?: DriverCallOptions): Promise<InspectResult>;
  mix(handle: JobHandle, request: MixRequest, options?: DriverCallOptions): Promise<Asset>;
  zip(handle: JobHandle, request: ZipRequest, options?: DriverCallOptions): Promise<Asset>;
  parseCallback(request: CallbackRequest): CallbackHint;
}

/**
 * Creates the Sourcere driver. Credentials come from the options or from `SOURCERE_USERNAME` and
 * `SOURCERE_PASSWORD`; nothing is sent until the first call, which logs in.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core';
 * import { sourcere } from '@stemkit/sourcere';
 *
 * const stemkit = createStemkit({ driver: sourcere({ username: 'me@example.com', password }) });
 * const job = await stemkit.wait(await stemkit.separate({ source: './song.mp3', stems: ['vocals', 'instrumental'] }));
 * ```
 */
export function sourcere(options: SourcereDriverOptions = {}): SourcereDriver {
  const resolved = resolveOptions(options);
  const http = createApiClient(resolved);
  const { endpoints } = resolved;
  return {
    contract: DRIVER_CONTRACT_VERSION,
    provider: 'sourcere',
    capabilities: SOURCERE_CAPABILITIES,
    fetch: resolved.fetch,
    upload: (request, callOptions) => uploadSource(http, endpoints, request, callOptions),
    inspect: (asset, callOptions) => inspectUpload(http, endpoints, asset, callOptions),
    validate: (request) => {
      checkSeparation(request);
    },
    start: (request, callOptions) => startSeparation(http, resolved, request, callOptions),
    status: (handle, callOptions) => separationStatus(http, resolved, handle, callOptions),
    link: (handle, request, callOptions) => downloadLink(http, endpoints, handle, request, callOptions),
    mix: (handle, request, callOptions) => mixStems(http, endpoints, handle, request, callOptions),
    zip: (handle, request, callOptions) => zipStems(http, endpoints, handle, request, callOptions),
    parseCallback,
  };
}
