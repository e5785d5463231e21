import {
  type Asset,
  type CallbackHint,
  type CallbackRequest,
  type DriverCallOptions,
  type DriverCapabilities,
  defineDriver,
  type InspectResult,
  type JobHandle,
  type MixRequest,
  type StartRequest,
  type StemkitDriver,
  type ZipRequest,
} from '@stemkit/core/driver';
import { connect } from './api.ts';
import { parseCallback } from './callbacks.ts';
import { SOURCERE_FORMATS, SOURCERE_STEMS, validateSeparation } from './catalog.ts';
import { link } from './link.ts';
import { mix } from './mix.ts';
import { SOURCERE_SETTINGS, type SourcereDriverOptions } from './options.ts';
import { start } from './start.ts';
import { status } from './status.ts';
import { inspect, upload } from './upload.ts';
import { zip } from './zip.ts';

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
  convertOnDownload: true,
};

/**
 * The Sourcere driver: every optional operation it supports is present, plus `inspect`, which reads the
 * metadata Sourcere computes after an upload, and `validate`, which refuses stems no single algorithm
 * produces together before anything is uploaded.
 *
 * @example
 * ```ts
 * const driver: SourcereDriver = sourcere();
 * const asset = await driver.upload({ body: file.stream(), name: 'song.wav' });
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
export const sourcere = /* @__PURE__ */ defineDriver({
  provider: 'sourcere',
  settings: SOURCERE_SETTINGS,
  create(context, options: SourcereDriverOptions): Omit<SourcereDriver, 'contract' | 'provider' | 'fetch'> {
    const api = connect(context, options);
    return {
      capabilities: SOURCERE_CAPABILITIES,
      validate: validateSeparation,
      upload: (request, callOptions) => upload(api, request, callOptions),
      inspect: (asset, callOptions) => inspect(api, asset, callOptions),
      start: (request, callOptions) => start(api, request, callOptions),
      status: (handle, callOptions) => status(api, handle, callOptions),
      link: (handle, request, callOptions) => link(api, handle, request, callOptions),
      mix: (handle, request, callOptions) => mix(api, handle, request, callOptions),
      zip: (handle, request, callOptions) => zip(api, handle, request, callOptions),
      parseCallback: (request) => parseCallback(api, request),
    };
  },
});
