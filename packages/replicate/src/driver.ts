import {
  type CallbackHint,
  type CallbackRequest,
  type DriverCallOptions,
  type DriverCapabilities,
  defineDriver,
  type JobHandle,
  type JobPage,
  type StartRequest,
  type StemkitDriver,
} from '@stemkit/core/driver';
import { connect } from './api.ts';
import { parseCallback } from './callbacks.ts';
import { cancel } from './cancel.ts';
import {
  checkNetwork,
  DEMUCS_VERSIONS,
  REPLICATE_FORMATS,
  stemsOfNetwork,
  validateRequest,
} from './catalog.ts';
import { link } from './link.ts';
import { list } from './list.ts';
import { REPLICATE_PROVIDER, REPLICATE_SETTINGS, type ReplicateDriverOptions } from './options.ts';
import { start } from './start.ts';
import { status } from './status.ts';
import { MAX_FILE_BYTES, upload } from './upload.ts';

/**
 * What Demucs on Replicate can do with the network `demucsModel`: its four stems (six with `htdemucs_6s`),
 * mp3, wav or flac (one per prediction), a residual with a single stem, URL sources, files under 100 MB,
 * a signed webhook per prediction, links in the payloads, cancel and list.
 *
 * @example
 * ```ts
 * replicateCapabilities('htdemucs_6s').stems; // ['vocals', 'drums', 'bass', 'other', 'guitar', 'piano']
 * ```
 */
export function replicateCapabilities(demucsModel = 'htdemucs'): DriverCapabilities {
  const stems = stemsOfNetwork(demucsModel);
  return {
    stems,
    formats: REPLICATE_FORMATS,
    maxTargets: stems.length,
    trial: false,
    residual: true,
    transcription: false,
    alignment: false,
    callbacks: 'per-job',
    signedCallbacks: true,
    urlInput: true,
    variants: false,
    languages: false,
    maxUploadBytes: MAX_FILE_BYTES,
    links: true,
  };
}

/**
 * The Replicate driver: the stemkit contract with `validate`, `cancel`, `list` and a verifying `parseCallback`.
 *
 * @example
 * ```ts
 * const driver: ReplicateDriver = replicate({ demucsModel: 'htdemucs_6s' });
 * ```
 */
export interface ReplicateDriver extends StemkitDriver {
  /** Refuses targets in two formats, and a lone `other` on cjwbw/demucs, before any upload. */
  validate(request: Omit<StartRequest, 'source'>): void;
  /** `POST /predictions/{id}/cancel`. */
  cancel(handle: JobHandle, options?: DriverCallOptions): Promise<void>;
  /** One page of `GET /predictions` (the driver's model only), the cursor taken from the absolute `next` URL. */
  list(
    request: { readonly cursor?: string; readonly pageSize: number },
    options?: DriverCallOptions,
  ): Promise<JobPage>;
  /** Verifies a Standard Webhooks delivery (signature, replay window) and names its prediction. */
  parseCallback(request: CallbackRequest): Promise<CallbackHint>;
}

/**
 * Creates the driver for Demucs on Replicate (`ryan5453/demucs` or `cjwbw/demucs`, pinned versions). The token
 * comes from the options or `REPLICATE_API_TOKEN`; the webhook secret from the options,
 * `REPLICATE_WEBHOOK_SECRET`, or the API when the first callback arrives.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core';
 * import { replicate } from '@stemkit/replicate';
 *
 * const stemkit = createStemkit({ driver: replicate({ demucsModel: 'htdemucs_ft' }) });
 * const job = await stemkit.wait(await stemkit.separate({ source: './song.mp3', stems: ['vocals', 'drums'] }));
 * ```
 */
export const replicate = /* @__PURE__ */ defineDriver({
  provider: REPLICATE_PROVIDER,
  settings: REPLICATE_SETTINGS,
  create(context, options: ReplicateDriverOptions): Omit<ReplicateDriver, 'contract' | 'provider' | 'fetch'> {
    const model = options.model ?? 'ryan5453/demucs';
    const network = options.demucsModel ?? 'htdemucs';
    checkNetwork(model, network);
    const api = connect(context, options, {
      model,
      network,
      version: options.version ?? DEMUCS_VERSIONS[model],
    });
    return {
      capabilities: replicateCapabilities(network),
      validate: (request) => validateRequest(model, request),
      upload: (request, callOptions) => upload(api, request, callOptions),
      start: (request, callOptions) => start(api, request, callOptions),
      status: (handle, callOptions) => status(api, handle, callOptions),
      link: (handle, request, callOptions) => link(api, handle, request, callOptions),
      cancel: (handle, callOptions) => cancel(api, handle, callOptions),
      list: (request, callOptions) => list(api, request, callOptions),
      parseCallback: (request) => parseCallback(api, request),
    };
  },
});
