import {
  type Asset,
  type DriverCallOptions,
  type DriverCapabilities,
  defineDriver,
  InvalidArgumentError,
  type JobHandle,
  type StartRequest,
  type StatusResult,
  type StemkitDriver,
  type Usage,
} from '@stemkit/core/driver';
import { connect } from './api.ts';
import { cancel, cancelAll } from './cancel.ts';
import { LALAL_FORMATS, LALAL_STEMS, MAX_TARGETS, validateSeparation } from './catalog.ts';
import { deleteSource } from './delete.ts';
import { link } from './link.ts';
import { DEFAULT_CHECKS_PER_MINUTE, LALAL_SETTINGS, type LalalDriverOptions } from './options.ts';
import { start } from './start.ts';
import { status, statusMany } from './status.ts';
import { upload } from './upload.ts';
import { usage, verifyCredentials } from './usage.ts';

/**
 * What LALAL.AI can do: twelve stems (with residuals), five formats, a splitter per target (`variant`),
 * idempotent starts, batched status reads (200 task ids a call, 30 calls a minute by default), links in its
 * answers; no trial, callbacks, remote URLs or listing.
 *
 * @example
 * ```ts
 * LALAL_CAPABILITIES.formats; // ['mp3', 'wav', 'flac', 'aac', 'ogg']
 * ```
 */
export const LALAL_CAPABILITIES: DriverCapabilities = {
  stems: LALAL_STEMS,
  formats: LALAL_FORMATS,
  maxTargets: MAX_TARGETS,
  trial: false,
  residual: true,
  transcription: false,
  alignment: false,
  callbacks: false,
  urlInput: false,
  variants: true,
  languages: false,
  maxUploadBytes: 10 * 1024 ** 3,
  links: true,
  idempotentStart: true,
  batchedStatus: { maxJobs: 20, requestsPerMinute: DEFAULT_CHECKS_PER_MINUTE },
};

/**
 * The LALAL.AI driver: the contract's operations plus `cancelAll`, which cancels every task of the licence
 * still in progress (LALAL.AI's `cancel/all/`).
 *
 * @example
 * ```ts
 * const driver: LalalDriver = lalal();
 * const cancelled = await driver.cancelAll(); // task ids
 * ```
 */
export interface LalalDriver extends StemkitDriver {
  validate(request: Omit<StartRequest, 'source'>): void;
  verifyCredentials(options?: DriverCallOptions): Promise<void>;
  statusMany(handles: readonly JobHandle[], options?: DriverCallOptions): Promise<readonly StatusResult[]>;
  cancel(handle: JobHandle, options?: DriverCallOptions): Promise<void>;
  deleteSource(asset: Asset, options?: DriverCallOptions): Promise<void>;
  usage(options?: DriverCallOptions): Promise<Usage>;
  /** Cancels every task of the licence still in progress; resolves with their task ids. */
  cancelAll(options?: DriverCallOptions): Promise<string[]>;
}

/**
 * Creates the LALAL.AI driver. The licence key comes from the options or `LALAL_LICENSE_KEY`. No official
 * JavaScript client exists; this driver speaks the v1 API as its OpenAPI document describes it.
 */
export const lalal = /* @__PURE__ */ defineDriver({
  provider: 'lalal',
  settings: LALAL_SETTINGS,
  create(context, options: LalalDriverOptions): Omit<LalalDriver, 'contract' | 'provider' | 'fetch'> {
    const checksPerMinute = options.checksPerMinute ?? DEFAULT_CHECKS_PER_MINUTE;
    if (!(checksPerMinute > 0 && Number.isFinite(checksPerMinute))) {
      throw new InvalidArgumentError('checksPerMinute', 'must be a positive number');
    }
    const api = connect(context);
    return {
      capabilities: {
        ...LALAL_CAPABILITIES,
        batchedStatus: { maxJobs: 20, requestsPerMinute: checksPerMinute },
      },
      validate: validateSeparation,
      verifyCredentials: (callOptions) => verifyCredentials(api, callOptions),
      upload: (request, callOptions) => upload(api, request, callOptions),
      start: (request, callOptions) => start(api, request, callOptions),
      status: (handle, callOptions) => status(api, handle, callOptions),
      statusMany: (handles, callOptions) => statusMany(api, handles, callOptions),
      link: (handle, request, callOptions) => link(api, handle, request, callOptions),
      cancel: (handle, callOptions) => cancel(api, handle, callOptions),
      cancelAll: (callOptions) => cancelAll(api, callOptions),
      deleteSource: (asset, callOptions) => deleteSource(api, asset, callOptions),
      usage: (callOptions) => usage(api, callOptions),
    };
  },
});
