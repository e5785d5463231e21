import { z } from '@stemkit/core/driver';
import { optionalBoolean, optionalNumber, optionalString, WireFailureSchema } from '../shared/wire.ts';

// Each schema is built on its first use (`z.lazy`), so importing the driver builds none; `@__PURE__` lets an app's
// bundler drop those it never uses (the legacy driver's, when it uses the Tasks one).

/**
 * A Tasks asset (`POST /assets`): `id`, `format`, `name`, and a signed `link` when given.
 *
 * @example
 * ```ts
 * TasksAssetSchema.parse({ id: 'cmkd41zsb019001pvdcdg13ec', format: 'mp3', name: 'test.mp3' });
 * ```
 */
export const TasksAssetSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    name: optionalString(),
    format: optionalString(),
    link: optionalString(),
    createdAt: optionalString(),
  }),
);
/** See {@link TasksAssetSchema}. */
export type TasksAsset = z.infer<typeof TasksAssetSchema>;

/** `GET /assets`: a bare array. */
export const TasksAssetListSchema = /* @__PURE__ */ z.lazy(() => z.array(TasksAssetSchema));

/** One file of a target's `output[]`: `name` has no extension; `link` expires after an hour. */
export const TasksOutputSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    name: optionalString(),
    format: optionalString(),
    link: optionalString(),
    type: optionalString(),
  }),
);
/** See {@link TasksOutputSchema}. */
export type TasksOutput = z.infer<typeof TasksOutputSchema>;

/**
 * A target of a task, with the undocumented fields seen in real responses (see
 * docs/providers/audioshake-tasks.md, "Payloads").
 *
 * @example
 * ```ts
 * taskOf(job).targets?.map((target: TasksTarget) => target.cost);
 * ```
 */
export const TasksTargetSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    model: optionalString(),
    status: optionalString(),
    formats: z.nullish(z.array(z.string())),
    output: z.nullish(z.array(TasksOutputSchema)),
    cost: optionalNumber(),
    error: z.nullish(WireFailureSchema),
    duration: optionalNumber(),
    residual: optionalBoolean(),
    language: optionalString(),
    variant: optionalString(),
    transcriptUrl: optionalString(),
    transcriptAssetId: optionalString(),
    createdAt: optionalString(),
    updatedAt: optionalString(),
  }),
);
/** See {@link TasksTargetSchema}. */
export type TasksTarget = z.infer<typeof TasksTargetSchema>;

/**
 * A task: one source, N targets. There is no task-level status; it is derived from the targets'.
 *
 * @example
 * ```ts
 * const task = TasksTaskSchema.parse(await response.json());
 * ```
 */
export const TasksTaskSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    createdAt: optionalString(),
    updatedAt: optionalString(),
    completedAt: optionalString(),
    clientId: optionalString(),
    cost: optionalNumber(),
    assetId: optionalString(),
    url: optionalString(),
    metadata: optionalString(),
    targets: z.nullish(z.array(TasksTargetSchema)),
  }),
);
/** See {@link TasksTaskSchema}. */
export type TasksTask = z.infer<typeof TasksTaskSchema>;

/** `GET /tasks`: a bare array. */
export const TasksPageSchema = /* @__PURE__ */ z.lazy(() => z.array(TasksTaskSchema));

/** `GET /tasks/statistics?name=usage`: `totalMinutes` is a string on the wire. */
export const TasksUsageSchema = /* @__PURE__ */ z.lazy(() =>
  z.array(
    z.looseObject({
      month: z.string(),
      totalTargets: optionalNumber(),
      totalMinutes: z.nullish(z.union([z.string(), z.number()])),
    }),
  ),
);

/** `POST /webhooks`: the account webhook as the API now holds it. */
export const TasksWebhookSchema = /* @__PURE__ */ z.lazy(() => z.looseObject({ url: z.string() }));

/**
 * One target of a `POST /tasks` body.
 *
 * @example
 * ```ts
 * const target: TasksTargetRequest = { model: 'alignment', formats: ['json'], transcriptUrl: 'https://example.com/lyrics.txt' };
 * ```
 */
export interface TasksTargetRequest {
  /** The model key, e.g. `vocals`, `instrumental`, `alignment` (see {@link AUDIOSHAKE_MODELS}). */
  readonly model: string;
  /**
   * Output formats, at least one: `wav`, `flac`, `mp3`, `aiff`, `mp4` for audio models; `json`, `txt`, `srt`
   * for transcription, alignment and music detection.
   */
  readonly formats: readonly string[];
  /** Also return everything but the target, where the model supports it (default `false`). */
  readonly residual?: boolean;
  /** Model variant, e.g. `high_quality` (vocals, instrumental), `two_speaker`, `n_speaker` (multi_voice). */
  readonly variant?: string;
  /** Language of transcription or alignment, e.g. `en`; the legacy `auto` is expressed by leaving it out. */
  readonly language?: string;
  /** Alignment: a public URL of the transcript (`.txt` or `.json`) to align the audio to. */
  readonly transcriptUrl?: string;
  /** Alignment: the id of a transcript uploaded with `POST /assets`, instead of `transcriptUrl`. */
  readonly transcriptAssetId?: string;
}

/**
 * The body of `POST /tasks`: exactly one of `url` and `assetId`, 1–10 targets, optional `metadata` text.
 *
 * @example
 * ```ts
 * const request: TasksTaskRequest = { assetId: 'cmkd41zsb019001pvdcdg13ec', targets: [{ model: 'vocals', formats: ['wav'] }] };
 * ```
 */
export interface TasksTaskRequest {
  /** A publicly reachable HTTPS URL of the audio or video; give either this or `assetId`. */
  readonly url?: string;
  /** The id `POST /assets` returned (assets are deleted after 72 h); give either this or `url`. */
  readonly assetId?: string;
  /** The models to run on the source: 1 to 10 (the 2026 docs allow 20). */
  readonly targets: readonly TasksTargetRequest[];
  /** Free text stored with the task and echoed in responses and webhooks (at most 4096 characters). */
  readonly metadata?: string;
  readonly [field: string]: unknown;
}
