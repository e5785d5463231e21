import {
  type Failure,
  InvalidArgumentError,
  isAbortError,
  type JobHandle,
  NotFoundError,
  type StartRequest,
  StemkitError,
  type TargetRequest,
} from '@stemkit/core';
import * as z from 'zod/mini';
import { withoutUndefined } from '../shared/assets.ts';
import { isTextFormat, LEGACY_ALL_TEXT_FORMATS } from '../shared/formats.ts';
import type { AudioShakeHttp } from '../shared/http.ts';
import { modelOfStem } from '../shared/models.ts';
import { LEGACY_PROVIDER, type LegacyTargetParts } from './mapping.ts';
import { type LegacyJob, LegacyJobEnvelopeSchema, type LegacyJobRequest } from './schemas.ts';

/** How long to suggest waiting when a job is not visible yet. */
const NOT_VISIBLE_RETRY_MS = 2_000;

/**
 * What a legacy handle's `data` holds: when the jobs were created (for the early-404 window) and which jobs
 * make up which neutral target. A handle with `parts` only still works: one target per job.
 */
const LegacyHandleDataSchema = z.object({
  createdAt: z.optional(z.string()),
  targets: z.optional(
    z.array(
      z.object({
        stem: z.string(),
        formats: z.array(z.string()),
        jobs: z.array(z.string()),
        failure: z.optional(
          z.object({ code: z.optional(z.union([z.string(), z.number()])), message: z.string() }),
        ),
      }),
    ),
  ),
});
type LegacyHandleData = z.infer<typeof LegacyHandleDataSchema>;
type PlannedTarget = NonNullable<LegacyHandleData['targets']>[number];

/** One neutral target as legacy job requests: one job per audio format, one job for all its text formats. */
interface TargetPlan {
  readonly stem: string;
  readonly formats: readonly string[];
  readonly requests: readonly LegacyJobRequest[];
}

/**
 * The legacy job requests for a neutral request: one per target and audio format; a target's text formats
 * share one job (`format: "all"` when it asks for more than one).
 */
export function planLegacyJobs(
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

/** What creating the jobs of a plan gave: the handle following them, the jobs as created, the first error. */
export interface CreatedJobs {
  readonly handle: JobHandle;
  readonly targets: LegacyTargetParts[];
  /** The error that stopped creation after some jobs were created. */
  readonly failure?: Failure;
}

/**
 * Creates the jobs of a plan one by one (`POST /job` is not idempotent, so the transport repeats it only on
 * 429). If a creation fails after others succeeded, creation stops: the created jobs keep running and stay in
 * the handle, every job not created fails its target with the error. If the very first fails, it is thrown.
 */
export async function createLegacyJobs(
  http: AudioShakeHttp,
  plans: readonly TargetPlan[],
  createdAt: string,
  signal?: AbortSignal,
): Promise<CreatedJobs> {
  let failure: Failure | undefined;
  const planned: PlannedTarget[] = [];
  const targets: LegacyTargetParts[] = [];
  for (const plan of plans) {
    const jobs: LegacyJob[] = [];
    for (const body of plan.requests) {
      if (failure) break;
      try {
        const { data } = await http.api.call({
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
    const ids = jobs.map((job) => job.id);
    planned.push({
      stem: plan.stem,
      formats: [...plan.formats],
      jobs: ids,
      ...(targetFailure ? { failure: targetFailure } : {}),
    });
    targets.push({
      id: ids[0] ?? `not-created-${targets.length}`,
      stem: plan.stem,
      formats: plan.formats,
      jobs,
      ...(targetFailure ? { failure: targetFailure } : {}),
    });
  }
  const parts = planned.flatMap((target) => target.jobs);
  const handle: JobHandle = {
    contract: 1,
    provider: LEGACY_PROVIDER,
    id: parts[0] as string,
    parts,
    data: { createdAt, targets: planned },
  };
  return { handle, targets, ...(failure ? { failure } : {}) };
}

function failureOf(error: unknown): Failure {
  if (StemkitError.isInstance(error)) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** What fetching a handle's jobs gave: the targets, and a hint to ask again when some are not visible yet. */
export interface FetchedJobs {
  readonly targets: LegacyTargetParts[];
  readonly retryAfterMs?: number;
}

/**
 * Fetches every job of a handle once (`GET /job/:id` each, in parallel). A 404 within the visibility window
 * after creation is the early-404 race: the job counts as queued and a retry hint is returned. After the
 * window, without a creation time in the handle, or for a job this driver has already seen, a 404 is a
 * `NotFoundError`.
 */
export async function fetchLegacyJobs(
  http: AudioShakeHttp,
  handle: JobHandle,
  timing: { readonly now: number; readonly visibilityWindowMs: number },
  visible: VisibleJobs,
  signal?: AbortSignal,
): Promise<FetchedJobs> {
  const data = readHandleData(handle);
  const createdAt = data.createdAt ? Date.parse(data.createdAt) : Number.NaN;
  const withinWindow = timing.now - createdAt < timing.visibilityWindowMs;
  let notVisible = false;
  const fetchJob = async (id: string): Promise<LegacyJob | undefined> => {
    try {
      const { data: envelope } = await http.api.call({
        method: 'GET',
        path: `job/${encodeURIComponent(id)}`,
        schema: LegacyJobEnvelopeSchema,
        signal,
        what: `get job ${id}`,
      });
      visible.add(id);
      return envelope.job;
    } catch (error) {
      // Once a job has been seen, a 404 cannot be the creation race.
      if (!NotFoundError.isInstance(error) || !withinWindow || visible.has(id)) throw error;
      notVisible = true;
      return undefined;
    }
  };
  const planned: ReadonlyArray<Partial<PlannedTarget> & { jobs: string[] }> =
    data.targets ?? (handle.parts ?? [handle.id]).map((id) => ({ jobs: [id] }));
  const targets = await Promise.all(
    planned.map(async (target, index): Promise<LegacyTargetParts> => {
      const jobs = await Promise.all(target.jobs.map(fetchJob));
      return withoutUndefined({
        id: target.jobs[0] ?? `not-created-${index}`,
        jobs,
        stem: target.stem,
        formats: target.formats,
        failure: target.failure,
      });
    }),
  );
  return { targets, ...(notVisible ? { retryAfterMs: NOT_VISIBLE_RETRY_MS } : {}) };
}

function readHandleData(handle: JobHandle): LegacyHandleData {
  if (handle.provider !== LEGACY_PROVIDER) {
    throw new InvalidArgumentError(
      'handle.provider',
      `is \`${handle.provider}\`, not \`${LEGACY_PROVIDER}\``,
    );
  }
  const parsed = z.safeParse(LegacyHandleDataSchema, handle.data ?? {});
  if (!parsed.success) throw new InvalidArgumentError('handle.data', 'is not a legacy job handle’s data');
  return parsed.data;
}

/** The ids of jobs a driver has seen answer, bounded so a long-lived driver does not grow without end. */
export class VisibleJobs {
  readonly #ids = new Set<string>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.#limit) this.#ids.delete(this.#ids.values().next().value as string);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }
}
