import {
  type CallbackHint,
  type CallbackRequest,
  type DriverCallOptions,
  type DriverCapabilities,
  defineDriver,
  type JobPage,
  type StemkitDriver,
  type Usage,
} from '@stemkit/core/driver';
import { AUDIOSHAKE_FORMATS } from '../shared/catalog.ts';
import { verifyWith } from '../shared/credentials.ts';
import { connect } from './api.ts';
import { parseCallback } from './callbacks.ts';
import { link } from './link.ts';
import { list } from './list.ts';
import { type AudioShakeTasksOptions, TASKS_PROVIDER, TASKS_SETTINGS } from './options.ts';
import { start } from './start.ts';
import { status } from './status.ts';
import { upload } from './upload.ts';
import { usage } from './usage.ts';
import { registerWebhook } from './webhook.ts';

/**
 * What the Tasks API can do: any model, every AudioShake format, 10 targets per task (the `maxTargets` option
 * changes it), residuals, variants, languages, transcription and alignment, URL sources, uploads up to 2 GB,
 * listing, and one webhook per account; no trial, cancel, or provider-side mix or zip.
 *
 * @example
 * ```ts
 * TASKS_CAPABILITIES.maxTargets; // 10
 * ```
 */
export const TASKS_CAPABILITIES: DriverCapabilities = {
  stems: 'any',
  formats: AUDIOSHAKE_FORMATS,
  maxTargets: 10,
  trial: false,
  residual: true,
  transcription: true,
  alignment: true,
  callbacks: 'account',
  urlInput: true,
  variants: true,
  languages: true,
  maxUploadBytes: 2 * 1024 ** 3,
  links: true,
};

/**
 * The Tasks driver: the stemkit contract with `list` and `usage` (the monthly statistics, neutral; the
 * parsed months in `raw`).
 *
 * @example
 * ```ts
 * const driver: AudioShakeTasksDriver = audioshakeTasks();
 * const { months } = await driver.usage();
 * ```
 */
export interface AudioShakeTasksDriver extends StemkitDriver {
  /** `GET /tasks?take=1`: an `AuthenticationError` for a refused API key, before any upload. */
  verifyCredentials(options?: DriverCallOptions): Promise<void>;
  /** `GET /tasks/statistics?name=usage`: targets and minutes per month. */
  usage(options?: DriverCallOptions): Promise<Usage>;
  list(
    request: { readonly cursor?: string; readonly pageSize: number },
    options?: DriverCallOptions,
  ): Promise<JobPage>;
  parseCallback(request: CallbackRequest): CallbackHint;
  /**
   * `POST /webhooks`: registers the account's one webhook URL, where the API posts a task each time one of its
   * targets completes or fails (read it with `parseCallback`). Registering again replaces it. An `url` that is
   * not http(s) is an `InvalidArgumentError` naming `url`.
   */
  registerWebhook(url: string, options?: DriverCallOptions): Promise<{ readonly url: string }>;
}

/**
 * A stemkit driver for AudioShake's Tasks API: one task is one neutral job, each target one neutral target.
 * Output links expire after an hour: `link` reads the task again for a fresh one. Webhooks are per account:
 * `parseCallback` reads one. The API key comes from the options or `AUDIOSHAKE_API_KEY`.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core';
 * import { audioshakeTasks } from '@stemkit/audioshake';
 *
 * const stemkit = createStemkit({ driver: audioshakeTasks({ apiKey: process.env.AUDIOSHAKE_API_KEY }) });
 * const job = await stemkit.wait(await stemkit.separate({ source: 'song.mp3', stems: ['vocals', 'drums'] }));
 * ```
 */
export const audioshakeTasks = /* @__PURE__ */ defineDriver({
  provider: TASKS_PROVIDER,
  settings: TASKS_SETTINGS,
  create(
    context,
    options: AudioShakeTasksOptions,
  ): Omit<AudioShakeTasksDriver, 'contract' | 'provider' | 'fetch'> {
    const api = connect(context);
    return {
      capabilities: {
        ...TASKS_CAPABILITIES,
        maxTargets: options.maxTargets ?? TASKS_CAPABILITIES.maxTargets,
      },
      // The smallest page of `GET /tasks`: how AudioShake's own demos validate a key.
      verifyCredentials: (callOptions) =>
        verifyWith(api.http, { path: 'tasks', searchParams: { skip: 0, take: 1 } }, callOptions),
      upload: (request, callOptions) => upload(api, request, callOptions),
      start: (request, callOptions) => start(api, request, callOptions),
      status: (handle, callOptions) => status(api, handle, callOptions),
      link: (handle, request, callOptions) => link(api, handle, request, callOptions),
      list: (request, callOptions) => list(api, request, callOptions),
      parseCallback: (request) => parseCallback(api, request),
      usage: (callOptions) => usage(api, callOptions),
      registerWebhook: (url, callOptions) => registerWebhook(api, url, callOptions),
    };
  },
});
