import * as z from 'zod/mini';
import { AssetSchema } from './asset.ts';
import { JobHandleSchema } from './handle.ts';
import { JobStatusSchema, TargetStatusSchema } from './status.ts';

// The object schemas of the model are built on their first use (`z.lazy`): a cold import builds none.

/** Why a target (or a whole job) failed, in the provider's words. */
export const FailureSchema = z.lazy(() =>
  z.object({
    code: z.optional(z.union([z.string(), z.number()])),
    message: z.string(),
  }),
);
/** See {@link FailureSchema}. */
export type Failure = z.infer<typeof FailureSchema>;

/**
 * An option a provider ignored or changed, reported instead of silently dropped.
 *
 * @example
 * ```ts
 * const warning: Warning = { code: 'option-ignored', field: 'priority', message: 'the Tasks API has no priority' };
 * ```
 */
export const WarningSchema = z.lazy(() =>
  z.object({
    code: z.string(),
    message: z.string(),
    field: z.optional(z.string()),
  }),
);
/** See {@link WarningSchema}. */
export type Warning = z.infer<typeof WarningSchema>;

/** Options of one target, as requested and echoed by the provider. */
export const TargetOptionsSchema = z.lazy(() =>
  z.object({
    residual: z.optional(z.boolean()),
    variant: z.optional(z.string()),
    language: z.optional(z.string()),
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
/** See {@link TargetSchema}. */
export type Target = z.infer<typeof TargetSchema>;

/** One entry of a provider's event log. */
export const ProgressEventSchema = z.lazy(() =>
  z.object({
    name: z.string(),
    at: z.optional(z.string()),
    message: z.optional(z.string()),
  }),
);
/** See {@link ProgressEventSchema}. */
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

/** Where a job is: the provider's current stage, a fraction when the provider tells one, and its event log. */
export const ProgressSchema = z.lazy(() =>
  z.object({
    stage: z.optional(z.string()),
    fraction: z.optional(z.number().check(z.gte(0), z.lte(1))),
    events: z.array(ProgressEventSchema),
  }),
);
/** See {@link ProgressSchema}. */
export type Progress = z.infer<typeof ProgressSchema>;

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
export const JobSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    provider: z.string(),
    status: JobStatusSchema,
    /** The audio the job separates: its file name, and its duration, channels and sample rate when reported. */
    source: z.optional(AssetSchema),
    targets: z.array(TargetSchema),
    progress: z.optional(ProgressSchema),
    warnings: z.array(WarningSchema),
    /** The free text given as `metadata` to `separate`, as the provider stores it. */
    metadata: z.optional(z.string()),
    /** The per-job callback URL, where the provider takes one (`callbacks: 'per-job'`) and one was given. */
    callbackUrl: z.optional(z.string()),
    /** ISO-8601 instants: created, work started (when the provider says), last changed, finished. */
    createdAt: z.optional(z.string()),
    startedAt: z.optional(z.string()),
    updatedAt: z.optional(z.string()),
    completedAt: z.optional(z.string()),
    handle: JobHandleSchema,
    raw: z.unknown(),
  }),
);
/** See {@link JobSchema}. */
export type Job = z.infer<typeof JobSchema>;
