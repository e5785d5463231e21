import * as z from 'zod/mini';
import { optionalBoolean, optionalNumber, optionalString, WireFailureSchema } from '../shared/wire.ts';

/**
 * A Tasks asset (`POST /assets`, spec §2.3): `id`, `format`, `name`, and a signed `link` when given.
 *
 * @example
 * ```ts
 * TasksAssetSchema.parse({ id: 'cmkd41zsb019001pvdcdg13ec', format: 'mp3', name: 'test.mp3' });
 * ```
 */
export const TasksAssetSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  name: optionalString,
  format: optionalString,
  link: optionalString,
  createdAt: optionalString,
});
/** See {@link TasksAssetSchema}. */
export type TasksAsset = z.infer<typeof TasksAssetSchema>;

/** One file of a target's `output[]`: `name` has no extension; `link` expires after an hour. */
export const TasksOutputSchema = z.looseObject({
  name: optionalString,
  format: optionalString,
  link: optionalString,
  type: optionalString,
});
/** See {@link TasksOutputSchema}. */
export type TasksOutput = z.infer<typeof TasksOutputSchema>;

/** A target of a task (spec §2.5), with the undocumented fields seen in real responses. */
export const TasksTargetSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  model: optionalString,
  status: optionalString,
  formats: z.nullish(z.array(z.string())),
  output: z.nullish(z.array(TasksOutputSchema)),
  cost: optionalNumber,
  error: z.nullish(WireFailureSchema),
  duration: optionalNumber,
  residual: optionalBoolean,
  language: optionalString,
  variant: optionalString,
  transcriptUrl: optionalString,
  transcriptAssetId: optionalString,
  createdAt: optionalString,
  updatedAt: optionalString,
});
/** See {@link TasksTargetSchema}. */
export type TasksTarget = z.infer<typeof TasksTargetSchema>;

/**
 * A task (spec §2.5): one source, N targets. There is no task-level status; it is derived from the targets'.
 *
 * @example
 * ```ts
 * const task = TasksTaskSchema.parse(await response.json());
 * ```
 */
export const TasksTaskSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  createdAt: optionalString,
  updatedAt: optionalString,
  completedAt: optionalString,
  clientId: optionalString,
  cost: optionalNumber,
  assetId: optionalString,
  url: optionalString,
  metadata: optionalString,
  targets: z.nullish(z.array(TasksTargetSchema)),
});
/** See {@link TasksTaskSchema}. */
export type TasksTask = z.infer<typeof TasksTaskSchema>;

/** `GET /tasks`: a bare array. */
export const TasksPageSchema = z.array(TasksTaskSchema);

/** `GET /tasks/statistics?name=usage`: `totalMinutes` is a string on the wire. */
export const TasksUsageSchema = z.array(
  z.looseObject({
    month: z.string(),
    totalTargets: optionalNumber,
    totalMinutes: z.nullish(z.union([z.string(), z.number()])),
  }),
);

/**
 * One target of a `POST /tasks` body (spec §2.4).
 *
 * @example
 * ```ts
 * const target: TasksTargetRequest = { model: 'alignment', formats: ['json'], transcriptUrl: 'https://example.com/lyrics.txt' };
 * ```
 */
export interface TasksTargetRequest {
  readonly model: string;
  readonly formats: readonly string[];
  readonly residual?: boolean;
  readonly variant?: string;
  readonly language?: string;
  readonly transcriptUrl?: string;
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
  readonly url?: string;
  readonly assetId?: string;
  readonly targets: readonly TasksTargetRequest[];
  readonly metadata?: string;
  readonly [field: string]: unknown;
}
