import {
  type CallbackHint,
  type CallbackRequest,
  type DriverCallOptions,
  type DriverCapabilities,
  defineDriver,
  type StemkitDriver,
  type Usage,
} from '@stemkit/core/driver';
import { AUDIOSHAKE_FORMATS } from '../shared/catalog.ts';
import { verifyWith } from '../shared/credentials.ts';
import { connect } from './api.ts';
import { parseCallback } from './callbacks.ts';
import { link } from './link.ts';
import { type AudioShakeLegacyOptions, LEGACY_PROVIDER, LEGACY_SETTINGS } from './options.ts';
import { start } from './start.ts';
import { status } from './status.ts';
import { upload } from './upload.ts';
import { usage } from './usage.ts';

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
  links: true,
};

/**
 * The legacy driver: the stemkit contract with `usage` (neutral months; the `POST /usage` payload, with its
 * `clientId`, in `raw`).
 *
 * @example
 * ```ts
 * const driver: AudioShakeLegacyDriver = audioshakeLegacy();
 * const { months } = await driver.usage();
 * ```
 */
export interface AudioShakeLegacyDriver extends StemkitDriver {
  /** `GET /job/` (the token ping): an `AuthenticationError` for a refused token, before any upload. */
  verifyCredentials(options?: DriverCallOptions): Promise<void>;
  /** `POST /usage`: jobs (one per target) and minutes of the last three months. */
  usage(options?: DriverCallOptions): Promise<Usage>;
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
      // `GET /job/` without an id: the token ping AudioShake's own samples use.
      verifyCredentials: (callOptions) => verifyWith(api.http, { path: 'job/' }, callOptions),
      upload: (request, callOptions) => upload(api, request, callOptions),
      start: (request, callOptions) => start(api, request, callOptions),
      status: (handle, callOptions) => status(api, handle, callOptions),
      link: (handle, request, callOptions) => link(api, handle, request, callOptions),
      parseCallback: (request) => parseCallback(api, request),
      usage: (callOptions) => usage(api, callOptions),
    };
  },
});
