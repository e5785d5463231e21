import * as z from 'zod/mini';
import { type Asset, AssetSchema } from './asset.ts';
import { type JobHandle, JobHandleSchema } from './handle.ts';
import { type JobStatus, JobStatusSchema, type TargetStatus, TargetStatusSchema } from './status.ts';

// The object schemas of the model are built on their first use (`z.lazy`): a cold import builds none. The schemas
// are the truth; the types beside them carry the fields' documentation for the reference, and
// test/model/model-types.test-d.ts keeps each equal to its schema's output. Object types, not interfaces: like the
// inferred types they replace, they fit an index signature (`Record<string, unknown>`, a handle's JSON `data`).

/** Schema of a {@link Failure}. */
export const FailureSchema = z.lazy(() =>
  z.object({
    code: z.optional(z.union([z.string(), z.number()])),
    message: z.string(),
  }),
);
/** Why a target (or a whole job) failed, in the provider's words. */
export type Failure = {
  /** The provider's error code, when it gives one. */
  code?: string | number;
  /** What went wrong, as the provider says it. */
  message: string;
};

/** Schema of a {@link Warning}. */
export const WarningSchema = z.lazy(() =>
  z.object({
    code: z.string(),
    message: z.string(),
    field: z.optional(z.string()),
  }),
);
/**
 * An option a provider ignored or changed, reported instead of silently dropped.
 *
 * @example
 * ```ts
 * const warning: Warning = { code: 'option-ignored', field: 'priority', message: 'the Tasks API has no priority' };
 * ```
 */
export type Warning = {
  /** What happened, as a stable code: `option-ignored`, `missing-output`, `stalled`… */
  code: string;
  /** What happened and why, for a person. */
  message: string;
  /** The option concerned (`priority`, `callbackUrl`…), when there is one. */
  field?: string;
};

/** Schema of {@link TargetOptions}. */
export const TargetOptionsSchema = z.lazy(() =>
  z.object({
    residual: z.optional(z.boolean()),
    variant: z.optional(z.string()),
    language: z.optional(z.string()),
  }),
);
/** Options of one target, as requested and echoed by the provider. */
export type TargetOptions = {
  /** Whether the target also returns its residual, the input minus the stem. */
  residual?: boolean;
  /** The provider's model variant, e.g. `high_quality`. */
  variant?: string;
  /** The language code of the audio. */
  language?: string;
};

/** Schema of a {@link Target}. */
export const TargetSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    stem: z.string(),
    formats: z.array(z.string()),
    status: TargetStatusSchema,
    outputs: z.array(AssetSchema),
    error: z.optional(FailureSchema),
    options: z.optional(TargetOptionsSchema),
    raw: z.unknown(),
  }),
);
/**
 * One stem or model of a job, with its own status, outputs and error.
 *
 * @example
 * ```ts
 * const vocals = job.targets.find((target) => target.stem === 'vocals');
 * ```
 */
export type Target = {
  /** The target's id, unique within its job (the provider's, or one the driver composes). */
  id: string;
  /** The stem or model the target produces (a `StemName`). */
  stem: string;
  /** The output formats asked for, e.g. `['wav', 'mp3']`. */
  formats: string[];
  /** Where the target is; the job's status is derived from its targets'. */
  status: TargetStatus;
  /** The files the target produced so far: its stems, residuals, text outputs; empty until it has any. */
  outputs: Asset[];
  /** Why the target failed, when it did. */
  error?: Failure;
  /** The target's options (residual, variant, language), as requested and echoed by the provider. */
  options?: TargetOptions;
  /** The provider's untouched payload for this target. */
  raw: unknown;
};

/** Schema of a {@link ProgressEvent}. */
export const ProgressEventSchema = z.lazy(() =>
  z.object({
    name: z.string(),
    at: z.optional(z.string()),
    message: z.optional(z.string()),
  }),
);
/** One entry of a provider's event log. */
export type ProgressEvent = {
  /** The event, in the provider's words. */
  name: string;
  /** When it happened, an ISO-8601 instant, when the provider says. */
  at?: string;
  /** The provider's message with the event, if any. */
  message?: string;
};

/** Schema of a job's {@link Progress}. */
export const ProgressSchema = z.lazy(() =>
  z.object({
    stage: z.optional(z.string()),
    fraction: z.optional(z.number().check(z.gte(0), z.lte(1))),
    events: z.array(ProgressEventSchema),
  }),
);
/** Where a job is: the provider's current stage, a fraction when the provider tells one, and its event log. */
export type Progress = {
  /** The provider's current stage, in its words. */
  stage?: string;
  /** How much is done, from 0 to 1, when the provider tells. */
  fraction?: number;
  /** The provider's event log, oldest first (empty when it keeps none). */
  events: ProgressEvent[];
};

/** Schema of a {@link Job}. */
export const JobSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    provider: z.string(),
    status: JobStatusSchema,
    source: z.optional(AssetSchema),
    targets: z.array(TargetSchema),
    progress: z.optional(ProgressSchema),
    warnings: z.array(WarningSchema),
    metadata: z.optional(z.string()),
    callbackUrl: z.optional(z.string()),
    createdAt: z.optional(z.string()),
    startedAt: z.optional(z.string()),
    updatedAt: z.optional(z.string()),
    completedAt: z.optional(z.string()),
    handle: JobHandleSchema,
    raw: z.unknown(),
  }),
);
/**
 * A separation job: one source, N targets. Its `status` is derived from the targets' (see `deriveJobStatus`),
 * so partial success is representable. `handle` resumes it from another process; `raw` keeps the provider's
 * untouched payload(s).
 *
 * @example
 * ```ts
 * const job = await stemkit.wait(await stemkit.separate({ source: file, stems: ['vocals', 'drums'] }));
 * for (const target of job.targets) console.log(target.stem, target.status, target.outputs.length);
 * ```
 */
export type Job = {
  /** The job's id at the provider (for a job of several provider jobs, the driver's composed id). */
  id: string;
  /** The driver that runs it: `sourcere`, `audioshake-tasks`, `audioshake-legacy`… */
  provider: string;
  /** Where the whole job is, derived from its targets' statuses by `deriveJobStatus`. */
  status: JobStatus;
  /** The audio the job separates: its file name, and its duration, channels and sample rate when reported. */
  source?: Asset;
  /** The stems or models the job produces, one target each, with their own status and outputs. */
  targets: Target[];
  /** The provider's stage, fraction done and event log, when it reports them. */
  progress?: Progress;
  /** Options the provider ignored or changed, reported instead of silently dropped (empty when none). */
  warnings: Warning[];
  /** The free text given as `metadata` to `separate`, as the provider stores it. */
  metadata?: string;
  /** The per-job callback URL, where the provider takes one (`callbacks: 'per-job'`) and one was given. */
  callbackUrl?: string;
  /** When the job was created, an ISO-8601 instant. */
  createdAt?: string;
  /** When work started, an ISO-8601 instant, when the provider says. */
  startedAt?: string;
  /** When the job last changed, an ISO-8601 instant. */
  updatedAt?: string;
  /** When the job finished, an ISO-8601 instant. */
  completedAt?: string;
  /** What resumes the job from another process: JSON-serialisable, see {@link JobHandle}. */
  handle: JobHandle;
  /** The provider's untouched payload(s) behind the job. */
  raw: unknown;
};
