import {
  type CallbackHint,
  type CallbackRequest,
  type DriverCallOptions,
  type DriverCapabilities,
  defineDriver,
  type StemkitDriver,
} from '@stemkit/core/driver';
import { AUDIOSHAKE_FORMATS } from '../shared/catalog.ts';
import { connect } from './api.ts';
import { parseCallback } from './callbacks.ts';
import { link } from './link.ts';
import { type AudioShakeLegacyOptions, LEGACY_PROVIDER, LEGACY_SETTINGS } from './options.ts';
import { start } from './start.ts';
import { status } from './status.ts';
import { upload } from './upload.ts';
import { usage } from './usage.ts';
import type { LegacyUsage } from './wire.ts';

/**
 * What the legacy API can do: any model, both APIs' formats, residuals, variants, languages, transcription and
 * alignment, a callback URL per job, URL sources; no trial, list, cancel, or provider-side mix or zip.
 *
 * @example
 * ```ts
 * LEGACY_CAPABILITIES.callbacks; // 'per-job'
 * ```
 */
export const LEGACY_CAPABILITIES: DriverCapabilities = {
  stems: 'any',
  formats: AUDIOSHAKE_FORMATS,
  trial: false,
  residual: true,
  transcription: true,
  alignment: true,
  callbacks: 'per-job',
  urlInput: true,
  variants: true,
  languages: true,
};

/**
 * The legacy driver: the stemkit contract plus `usage()`, which the legacy API offers and the contract has no
 * place for.
 *
 * @example
 * ```ts
 * const driver: AudioShakeLegacyDriver = audioshakeLegacy();
 * const { usage } = await driver.usage();
 * ```
 */
export interface AudioShakeLegacyDriver extends StemkitDriver {
  /** `POST /usage`: jobs and minutes of the last three months. */
  usage(options?: DriverCallOptions): Promise<LegacyUsage>;
  parseCallback(request: CallbackRequest): CallbackHint;
}

/**
 * A stemkit driver for AudioShake's legacy job/asset API ("Groovy"). One neutral job with N targets becomes N
 * legacy jobs (one per target and audio format) behind one handle; `status` rebuilds the neutral job from the
 * handle alone with one `GET /job/:id` per legacy job. The token comes from the options or `AUDIOSHAKE_TOKEN`.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core';
 * import { audioshakeLegacy } from '@stemkit/audioshake';
 *
 * const stemkit = createStemkit({ driver: audioshakeLegacy({ token: process.env.AUDIOSHAKE_TOKEN }) });
 * const job = await stemkit.wait(await stemkit.separate({ source: 'song.mp3', stems: ['vocals', 'drums'] }));
 * ```
 */
export const audioshakeLegacy = /* @__PURE__ */ defineDriver({
  provider: LEGACY_PROVIDER,
  settings: LEGACY_SETTINGS,
  create(
    context,
    _options: AudioShakeLegacyOptions,
  ): Omit<AudioShakeLegacyDriver, 'contract' | 'provider' | 'fetch'> {
    const api = connect(context);
    return {
      capabilities: LEGACY_CAPABILITIES,
      upload: (request, callOptions) => upload(api, request, callOptions),
      start: (request, callOptions) => start(api, request, callOptions),
      status: (handle, callOptions) => status(api, handle, callOptions),
      link: (handle, request, callOptions) => link(api, handle, request, callOptions),
      parseCallback: (request) => parseCallback(api, request),
      usage: (callOptions) => usage(api, callOptions),
    };
  },
});
