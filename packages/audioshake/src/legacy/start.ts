import {
  type DriverCallOptions,
  type Failure,
  InvalidArgumentError,
  isAbortError,
  type SourceReference,
  type StartRequest,
  type StartResult,
  StemkitError,
  summarizeSource,
  type TargetRequest,
  type Warning,
} from '@stemkit/core/driver';
import { isTextFormat, LEGACY_ALL_TEXT_FORMATS, modelOfStem } from '../shared/catalog.ts';
import type { LegacyApi } from './api.ts';
import type { HandleData } from './handle.ts';
import { LEGACY_PROVIDER } from './options.ts';
import { type LegacyTargetParts, toJob } from './to-neutral.ts';
import { uploadLink } from './upload.ts';
import { type LegacyJob, LegacyJobEnvelopeSchema, type LegacyJobRequest } from './wire.ts';

/** One neutral target as legacy job requests: one job per audio format, one job for all its text formats. */
interface TargetPlan {
  readonly stem: string;
  readonly formats: readonly string[];
  readonly requests: readonly LegacyJobRequest[];
}

/**
 * Starts a neutral job as legacy jobs, one per target and audio format (a target's text formats share one job,
 * `format: "all"` when it asks for more than one), behind one handle that lists them all. A `{ url }` source or
 * transcript is uploaded with `POST /upload/link` first. `metadata` becomes each job's `customProperty`;
 * `providerOptions` are merged into each job's `metadata` (e.g. `{ maxTrackLength: 60, preview: true }`).
 */
export async function start(
  api: LegacyApi,
  request: StartRequest,
  options: DriverCallOptions = {},
): Promise<StartResult> {
  const { signal } = options;
  const warnings: Warning[] = [];
  if (request.priority !== undefined) {
    warnings.push({ code: 'option-ignored', field: 'priority', message: 'the legacy API has no priority' });
  }
  const assetId = await assetIdOf(api, request.source, 'source', signal);
  const transcriptIds: Array<string | undefined> = [];
  for (const [index, target] of request.targets.entries()) {
    transcriptIds.push(
      target.transcript
        ? await assetIdOf(api, target.transcript, `targets.${index}.transcript`, signal)
        : undefined,
    );
  }
  const plans = plan(request, assetId, transcriptIds);
  const created = await create(api, plans, signal);
  const data: HandleData = {
    ...('asset' in request.source ? { source: summarizeSource(request.source) } : {}),
    targets: created.targets.map(({ stem, formats, jobs, failure }) => ({
      stem: stem as string,
      formats: [...(formats ?? [])],
      jobs: jobs.map((job) => job.id),
      ...(failure ? { failure } : {}),
    })),
  };
  const parts = data.targets?.flatMap((target) => target.jobs) ?? [];
  const handle = api.context.handle(parts[0] as string, { parts, data });
  if (created.failure) {
    const planned = plans.reduce((sum, each) => sum + each.requests.length, 0);
    warnings.push({
      code: 'partial-creation',
      message: `${parts.length} of ${planned} legacy jobs were created; the others failed: ${created.failure.message}`,
    });
  }
  const job = toJob(created.targets, handle, data.source);
  return { handle, job: { ...job, warnings }, warnings };
}

async function assetIdOf(
  api: LegacyApi,
  source: SourceReference,
  field: string,
  signal?: AbortSignal,
): Promise<string> {
  if ('url' in source) return (await uploadLink(api, source.url, signal)).id;
  // Only drivers that declare `uploads: 'inline'` are handed the stream; this one uploads first.
  if ('upload' in source) throw new InvalidArgumentError(field, 'is an inline upload; upload it first');
  if (source.asset.provider !== LEGACY_PROVIDER) {
    throw new InvalidArgumentError(
      field,
      `is an asset of ${source.asset.provider}; upload it through the legacy driver, or pass a URL`,
    );
  }
  return source.asset.id;
}

function plan(
  request: StartRequest,
  assetId: string,
  transcriptIds: ReadonlyArray<string | undefined>,
): TargetPlan[] {
  return request.targets.map((target, index) => {
    const metadata = {
      ...request.providerOptions,
      name: modelOfStem(target.stem),
      ...(target.residual === undefined ? {} : { residual: target.residual }),
      ...(target.variant === undefined ? {} : { variant: target.variant }),
      ...(target.language === undefined ? {} : { language: target.language }),
      ...(request.metadata === undefined ? {} : { customProperty: request.metadata }),
    };
    const transcriptId = transcriptIds[index];
    const requests = legacyFormatsOf(target).map(
      (format): LegacyJobRequest => ({
        assetId,
        metadata: { ...metadata, format },
        ...(request.callbackUrl === undefined ? {} : { callbackUrl: request.callbackUrl }),
        ...(transcriptId === undefined
          ? {}
          : { otherSourceAssets: [{ id: transcriptId, type: 'transcription' }] }),
      }),
    );
    return { stem: target.stem, formats: [...target.formats], requests };
  });
}

function legacyFormatsOf(target: TargetRequest): string[] {
  const text = target.formats.filter(isTextFormat);
  const audio = target.formats.filter((format) => !isTextFormat(format));
  if (text.length === 0) return audio;
  return [...audio, text.length === 1 ? (text[0] as string) : LEGACY_ALL_TEXT_FORMATS];
}

/**
 * Creates the jobs of a plan one by one (`POST /job` is not idempotent, so the transport repeats it only on
 * 429). If a creation fails after others succeeded, creation stops: the created jobs keep running and stay in
 * the handle, every job not created fails its target with the error. If the very first fails, it is thrown.
 */
async function create(
  { http }: LegacyApi,
  plans: readonly TargetPlan[],
  signal?: AbortSignal,
): Promise<{ targets: LegacyTargetParts[]; failure?: Failure }> {
  let failure: Failure | undefined;
  const targets: LegacyTargetParts[] = [];
  for (const plan of plans) {
    const jobs: LegacyJob[] = [];
    for (const body of plan.requests) {
      if (failure) break;
      try {
        const { data } = await http.call({
          method: 'POST',
          path: 'job',
          json: body,
          schema: LegacyJobEnvelopeSchema,
          idempotent: false,
          signal,
          what: `create ${body.metadata?.name} job`,
        });
        jobs.push(data.job);
      } catch (error) {
        const createdAny = jobs.length > 0 || targets.some((target) => target.jobs.length > 0);
        if (isAbortError(error) || !createdAny) throw error;
        failure = failureOf(error);
      }
    }
    const targetFailure = jobs.length < plan.requests.length ? failure : undefined;
    targets.push({
      id: jobs[0]?.id ?? `not-created-${targets.length}`,
      stem: plan.stem,
      formats: plan.formats,
      jobs,
      ...(targetFailure ? { failure: targetFailure } : {}),
    });
  }
  return { targets, ...(failure ? { failure } : {}) };
}

function failureOf(error: unknown): Failure {
  if (StemkitError.isInstance(error)) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
