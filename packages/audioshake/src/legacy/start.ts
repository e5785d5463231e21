import {
  createFanOut,
  type DriverCallOptions,
  type FanOutPlan,
  fanOutHandle,
  InvalidArgumentError,
  partialCreationWarning,
  type SourceReference,
  type StartRequest,
  type StartResult,
  summarizeSource,
  type TargetRequest,
  type Warning,
} from '@stemkit/core/driver';
import { isTextFormat, LEGACY_ALL_TEXT_FORMATS, modelOfStem } from '../shared/catalog.ts';
import type { LegacyApi } from './api.ts';
import type { HandleData } from './handle.ts';
import { LEGACY_PROVIDER } from './options.ts';
import { toJob } from './to-neutral.ts';
import { uploadLink } from './upload.ts';
import { type LegacyJob, LegacyJobEnvelopeSchema, type LegacyJobRequest } from './wire.ts';

/** One neutral target as legacy job requests: one job per audio format, one job for all its text formats. */
type TargetPlan = FanOutPlan<LegacyJobRequest>;

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
  // `POST /job` is not idempotent: the transport repeats it only on 429, and the kit creates one at a time.
  const created = await createFanOut(
    plan(request, assetId, transcriptIds),
    (body) => createJob(api, body, signal),
    (job) => job.id,
  );
  const { parts, targets } = fanOutHandle(created.targets, (job) => job.id);
  const data: HandleData = {
    ...('asset' in request.source ? { source: summarizeSource(request.source) } : {}),
    targets,
  };
  const handle = api.context.handle(parts[0] as string, { parts, data });
  const partial = partialCreationWarning(created, 'legacy jobs');
  if (partial) warnings.push(partial);
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

/** `POST /job`: one legacy job. */
async function createJob(
  { http }: LegacyApi,
  body: LegacyJobRequest,
  signal: AbortSignal | undefined,
): Promise<LegacyJob> {
  const { data } = await http.call({
    method: 'POST',
    path: 'job',
    json: body,
    schema: LegacyJobEnvelopeSchema,
    idempotent: false,
    signal,
    what: `create ${body.metadata?.name} job`,
  });
  return data.job;
}
