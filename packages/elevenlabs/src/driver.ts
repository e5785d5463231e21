import {
  type DriverCapabilities,
  defineDriver,
  type StartRequest,
  type StemkitDriver,
  UnsupportedCapabilityError,
} from '@stemkit/core/driver';
import { connect } from './api.ts';
import { ELEVENLABS_FORMATS, ELEVENLABS_STEMS, planSeparation } from './catalog.ts';
import { EphemeralJobs } from './handle.ts';
import { ELEVENLABS_SETTINGS, type ElevenLabsDriverOptions } from './options.ts';
import { start } from './start.ts';
import { link, status } from './status.ts';

/**
 * What ElevenLabs can do: six stems (or vocals and instrumental) in one synchronous call that takes the audio
 * inline and answers with a ZIP; one output format per call; jobs kept nowhere (ephemeral).
 *
 * @example
 * ```ts
 * ELEVENLABS_CAPABILITIES.uploads; // 'inline'
 * ```
 */
export const ELEVENLABS_CAPABILITIES: DriverCapabilities = {
  stems: ELEVENLABS_STEMS,
  formats: ELEVENLABS_FORMATS,
  maxTargets: 6,
  trial: false,
  residual: false,
  transcription: false,
  alignment: false,
  callbacks: false,
  urlInput: false,
  variants: false,
  languages: false,
  uploads: 'inline',
  jobs: 'ephemeral',
};

/** The ElevenLabs driver, with `validate` (one stem variation and one output format per call). */
export interface ElevenLabsDriver extends StemkitDriver {
  validate(request: Omit<StartRequest, 'source'>): void;
}

/** The default client-side rate budget for apps (batch, CLI): concurrency-limited by plan; 2 calls at once. */
export const ELEVENLABS_DEFAULT_CONCURRENCY = 2;

/**
 * Creates the ElevenLabs driver. The key comes from the options or `ELEVENLABS_API_KEY` and is sent as
 * `xi-api-key`; nothing is sent until `separate`.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core/node';
 * import { elevenlabs } from '@stemkit/elevenlabs';
 *
 * const stemkit = createStemkit({ driver: elevenlabs() });
 * const job = await stemkit.wait(await stemkit.separate({ source: './song.mp3', stems: ['vocals', 'drums'], formats: ['mp3'] }));
 * ```
 */
export const elevenlabs = /* @__PURE__ */ defineDriver({
  provider: 'elevenlabs',
  settings: ELEVENLABS_SETTINGS,
  create(
    context,
    options: ElevenLabsDriverOptions,
  ): Omit<ElevenLabsDriver, 'contract' | 'provider' | 'fetch'> {
    const api = connect(context, options);
    const jobs = new EphemeralJobs();
    return {
      capabilities: ELEVENLABS_CAPABILITIES,
      validate: (request) => void planSeparation(request),
      async upload() {
        throw new UnsupportedCapabilityError(
          'upload',
          'elevenlabs takes the audio inline in its one call: use separate, not upload',
          { provider: 'elevenlabs' },
        );
      },
      start: (request, callOptions) => start(api, jobs, request, callOptions),
      status: (handle, callOptions) => status(api, jobs, handle, callOptions),
      link: (handle, request) => link(api, jobs, handle, request),
    };
  },
});
