import {
  type Asset,
  DRIVER_CONTRACT_VERSION,
  type DriverCallOptions,
  type DriverCapabilities,
  InvalidArgumentError,
  type JobHandle,
  type LinkRequest,
  type LinkResult,
  NotFoundError,
  type SourceReference,
  type StartRequest,
  type StartResult,
  type StatusResult,
  type StemkitDriver,
  UnsupportedCapabilityError,
  type Warning,
} from '@stemkit/core';
import { findOutput } from '../shared/assets.ts';
import { AUDIOSHAKE_FORMATS } from '../shared/formats.ts';
import { createAudioShakeHttp } from '../shared/http.ts';
import { parseLegacyCallback } from './callbacks.ts';
import { createLegacyJobs, fetchLegacyJobs, planLegacyJobs, VisibleJobs } from './jobs.ts';
import { LEGACY_PROVIDER, legacyTargetsToNeutralJob } from './mapping.ts';
import { type AudioShakeLegacyOptions, resolveLegacyOptions } from './options.ts';
import { type LegacyUsage, LegacyUsageSchema } from './schemas.ts';
import { uploadLegacyFile, uploadLegacyLink } from './upload.ts';

/** What the legacy API can do (no list, no cancel, no provider-side mix or zip). */
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
 */
export interface AudioShakeLegacyDriver extends StemkitDriver {
  /** `POST /usage`: jobs and minutes of the last three months. */
  usage(options?: DriverCallOptions): Promise<LegacyUsage>;
}

/**
 * A stemkit driver for AudioShake's legacy job/asset API ("Groovy"). One neutral job with N targets becomes N
 * legacy jobs (one per target and audio format) behind one handle; `status` rebuilds the neutral job from the
 * handle alone with one `GET /job/:id` per legacy job.
 *
 * - A `{ url }` source (or transcript) is uploaded with `POST /upload/link` first.
 * - `metadata` becomes each job's `customProperty`; `providerOptions` are merged into each job's `metadata`
 *   (e.g. `{ maxTrackLength: 60, preview: true }`).
 * - A job not yet visible right after creation (an early 404) is reported queued, with a retry hint, for
 *   `visibilityWindowMs`; a job this driver instance has already seen is never waited for.
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
export function audioshakeLegacy(options: AudioShakeLegacyOptions = {}): AudioShakeLegacyDriver {
  const settings = resolveLegacyOptions(options);
  const http = createAudioShakeHttp(
    LEGACY_PROVIDER,
    settings.baseUrl,
    { authorization: `Bearer ${settings.token}` },
    settings.token,
    settings,
  );
  const visible = new VisibleJobs();

  async function assetIdOf(source: SourceReference, field: string, signal?: AbortSignal): Promise<string> {
    if ('url' in source) return (await uploadLegacyLink(http, source.url, signal)).id;
    if (source.asset.provider !== LEGACY_PROVIDER) {
      throw new InvalidArgumentError(
        field,
        `is an asset of ${source.asset.provider}; upload it through the legacy driver, or pass a URL`,
      );
    }
    return source.asset.id;
  }

  async function start(request: StartRequest, callOptions: DriverCallOptions = {}): Promise<StartResult> {
    if (request.trial) {
      throw new UnsupportedCapabilityError('trial', 'The AudioShake legacy API cannot separate a section', {
        provider: LEGACY_PROVIDER,
      });
    }
    const signal = callOptions.signal;
    const warnings: Warning[] = [];
    if (request.priority !== undefined) {
      warnings.push({ code: 'option-ignored', field: 'priority', message: 'the legacy API has no priority' });
    }
    const assetId = await assetIdOf(request.source, 'source', signal);
    const transcriptIds: Array<string | undefined> = [];
    for (const [index, target] of request.targets.entries()) {
      transcriptIds.push(
        target.transcript
          ? await assetIdOf(target.transcript, `targets.${index}.transcript`, signal)
          : undefined,
      );
    }
    const plans = planLegacyJobs(request, assetId, transcriptIds);
    const createdAt = new Date(settings.now()).toISOString();
    const created = await createLegacyJobs(http, plans, createdAt, signal);
    if (created.failure) {
      const planned = plans.reduce((sum, plan) => sum + plan.requests.length, 0);
      const count = created.handle.parts?.length ?? 0;
      warnings.push({
        code: 'partial-creation',
        message: `${count} of ${planned} legacy jobs were created; the others failed: ${created.failure.message}`,
      });
    }
    const job = legacyTargetsToNeutralJob(created.targets, created.handle);
    return { handle: created.handle, job: { ...job, warnings }, warnings };
  }

  async function status(handle: JobHandle, callOptions: DriverCallOptions = {}): Promise<StatusResult> {
    const fetched = await fetchLegacyJobs(
      http,
      handle,
      { now: settings.now(), visibilityWindowMs: settings.visibilityWindowMs },
      visible,
      callOptions.signal,
    );
    const job = legacyTargetsToNeutralJob(fetched.targets, handle);
    return { job, ...(fetched.retryAfterMs === undefined ? {} : { retryAfterMs: fetched.retryAfterMs }) };
  }

  async function link(
    handle: JobHandle,
    request: LinkRequest,
    callOptions: DriverCallOptions = {},
  ): Promise<LinkResult> {
    const { job } = await status(handle, callOptions);
    const output = findOutput(job, request.asset, request.format);
    if (!output && request.format && request.format !== request.asset.format) {
      throw new UnsupportedCapabilityError(
        `format:${request.format}`,
        `The legacy API converts nothing on demand; request \`${request.format}\` when starting the job`,
        { provider: LEGACY_PROVIDER },
      );
    }
    if (!output?.url) {
      throw new NotFoundError(`No output ${request.asset.name} in legacy job ${handle.id}`, {
        provider: LEGACY_PROVIDER,
      });
    }
    return { ready: true, url: output.url };
  }

  async function usage(callOptions: DriverCallOptions = {}): Promise<LegacyUsage> {
    const { data } = await http.api.call({
      method: 'POST',
      path: 'usage',
      schema: LegacyUsageSchema,
      idempotent: true,
      signal: callOptions.signal,
      what: 'usage',
    });
    return data;
  }

  return {
    contract: DRIVER_CONTRACT_VERSION,
    provider: LEGACY_PROVIDER,
    capabilities: LEGACY_CAPABILITIES,
    fetch: http.api.fetch,
    upload: (request, callOptions): Promise<Asset> => uploadLegacyFile(http, request, callOptions?.signal),
    start,
    status,
    link,
    parseCallback: parseLegacyCallback,
    usage,
  };
}
